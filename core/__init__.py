"""Small shared helpers that sit below every app of the portal and import none of them."""
