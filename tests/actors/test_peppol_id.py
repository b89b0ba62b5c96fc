"""The Peppol participant id on the actor: checked per scheme with python-stdnum, normalised on
the form, left empty when only the organisation number is known."""

import pytest
from django.core.exceptions import ValidationError

from actors.forms import ActorForm
from actors.models import Actor
from actors.validators import PEPPOL_EAS_CODES, normalize_peppol_id, validate_peppol_id


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("0007:2120000142", "0007:2120000142"),
        ("0007:212000-0142", "0007:2120000142"),
        (" 0007 : 212000 0142 ", "0007:2120000142"),
        ("9955:SE212000014201", "9955:SE212000014201"),
        ("9955:212000014201", "9955:SE212000014201"),
        ("0088:7300009000012", "0088:7300009000012"),
        ("0192:974760673", "0192:974760673"),
        ("0184:13585628", "0184:13585628"),
        ("0208:0123456749", "0208:0123456749"),
        ("9957:abc-123.X_y", "9957:abc-123.X_y"),
    ],
)
def test_valid_ids_are_normalised(value, normalised):
    assert normalize_peppol_id(value) == normalised
    validate_peppol_id(normalised)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2120000142", "fyrsiffrig schemakod"),
        ("0007:2120000143", "svenskt organisationsnummer"),
        ("0007:212000014", "svenskt organisationsnummer"),
        ("9955:SE212000014301", "momsregistreringsnummer"),
        ("0088:73000090000", "GLN (13 siffror)"),
        ("0088:73513537", "GLN (13 siffror)"),
        ("0192:974760674", "norskt organisationsnummer"),
        ("0184:13585627", "danskt CVR-nummer"),
        ("1234:abc", "1234 är ingen Peppol-schemakod"),
        ("9957:abc/def", "Identiteten efter 9957:"),
        ("9957:" + "x" * 51, "högst 50"),
    ],
)
def test_invalid_ids_are_refused_with_a_message_naming_what_is_wrong(value, message):
    with pytest.raises(ValidationError) as error:
        validate_peppol_id(value)
    assert message in " ".join(error.value.messages)


def test_the_scheme_list_is_the_one_of_the_vendored_peppol_rules():
    from membership.formats.peppol_validation import LAYERS

    rules = LAYERS["peppol"].read_text(encoding="utf-8")
    start = rules.index("tokenize('", rules.index('name="eaid"')) + len("tokenize('")
    assert set(rules[start : rules.index("'", start)].split()) == PEPPOL_EAS_CODES


def _form(**fields):
    data = {
        "name": "Testbolaget AB",
        "kind": Actor.Kind.OTHER,
        "membership_type": Actor.MembershipType.ORDINARY,
        "invoice_delivery": Actor.InvoiceDelivery.PEPPOL,
        **fields,
    }
    return ActorForm(data=data)


@pytest.mark.django_db
def test_the_form_normalises_the_id_and_leaves_it_empty_when_only_the_org_number_is_given():
    form = _form(org_number="2120000142", peppol_id="0007:212000-0142")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["peppol_id"] == "0007:2120000142"
    form = _form(org_number="2120000142", peppol_id="")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["peppol_id"] == ""


@pytest.mark.django_db
def test_the_form_refuses_a_bad_id_with_its_message():
    form = _form(peppol_id="0007:2120000143")
    assert not form.is_valid()
    assert "svenskt organisationsnummer" in " ".join(form.errors["peppol_id"])
