"""The file formats membership reads and writes, one module each: Peppol BIS Billing 3.0 (UBL)
for e-invoices, Bankgirot BgMax for incoming payments, SIE 4 for the bookkeeping."""
