"""callbacks.packer: the same string as aiogram's `Cls(**fields).pack()`, the same errors."""

import pytest
from pydantic import ValidationError

from cashbot.callbacks import (
    ApprovalCb,
    CategoryCb,
    DeviceAction,
    DeviceAdminAction,
    DeviceAdminCb,
    DeviceCb,
    DueAction,
    DueCb,
    PageCb,
    PageKind,
    pack_category,
    pack_device,
    pack_device_admin,
    pack_due,
    pack_page,
    packer,
)

PACKERS = [
    (DeviceCb, pack_device),
    (PageCb, pack_page),
    (CategoryCb, pack_category),
    (DueCb, pack_due),
    (DeviceAdminCb, pack_device_admin),
]
INTS = [0, 1, -1, 7, 49, 366, 367, 10**5, 10**9, -(10**12), 2**62, 2**63 - 1, 2**63]
STRS = ["", "open", "s", "due", "x" * 20, "ключ", "a-b_c.d", " "]


def samples(cls):
    """Every field with each int / str sample, the other fields at a fixed value; and each
    optional field left out (its default)."""
    base = {name: (1 if info.annotation in (int, "int") else "k") for name, info in cls.model_fields.items()}
    yield dict(base)
    for name, info in cls.model_fields.items():
        for value in INTS if info.annotation in (int, "int") else STRS:
            yield {**base, name: value}
        if not info.is_required():
            yield {k: v for k, v in base.items() if k != name}


@pytest.mark.parametrize(("cls", "pack"), PACKERS, ids=lambda p: getattr(p, "__name__", ""))
def test_the_same_string_as_aiogram_and_it_unpacks_to_the_same_model(cls, pack):
    refused = 0
    for fields in samples(cls):
        try:
            expected = cls(**fields).pack()
        except ValidationError as error:  # out of the field's bounds: refused the same way
            refused += 1
            with pytest.raises(ValidationError) as raised:
                pack(**fields)
            assert str(raised.value) == str(error)
            continue
        assert pack(**fields) == expected, fields
        assert cls.unpack(pack(**fields)) == cls.unpack(expected) == cls(**fields), fields
    assert refused  # every class has a bounded number


def test_constrained_str_fields_are_refused():
    from cashbot.callbacks import ImportCb

    with pytest.raises(TypeError, match="token"):
        packer(ImportCb)


@pytest.mark.parametrize(("cls", "pack"), PACKERS, ids=lambda p: getattr(p, "__name__", ""))
def test_odd_values_go_to_aiogram_and_pack_or_raise_as_it_does(cls, pack):
    names = list(cls.model_fields)
    base = {name: (1 if info.annotation in (int, "int") else "k") for name, info in cls.model_fields.items()}
    odd = [{**base, names[0]: value} for value in ("5", True, 3.0, None, "a:b", ":", "x" * 70, b"k")]
    odd += [{**base, "extra": 1}, {}]
    for fields in odd:
        try:
            expected = cls(**fields).pack()
        except (ValueError, ValidationError, TypeError) as error:
            with pytest.raises(type(error)) as raised:
                pack(**fields)
            assert str(raised.value) == str(error)
        else:
            assert pack(**fields) == expected, fields


def test_the_separator_in_a_value_raises_like_aiogram():
    with pytest.raises(ValueError, match="Separator symbol ':' can not be used in value action='a:b'"):
        pack_device(action="a:b", device_id=1)
    with pytest.raises(ValueError, match="too long"):
        pack_page(kind="s" * 60, ref=1, page=2)
    with pytest.raises(ValueError, match="too long"):  # 37 characters, 67 bytes
        pack_page(kind="ж" * 30, ref=1, page=2)
    assert pack_page(kind="ж" * 28, ref=1, page=2) == PageCb(kind="ж" * 28, ref=1, page=2).pack()
    with pytest.raises(ValidationError):
        pack_due(device_id=1)  # action is required


def test_only_int_and_str_fields():
    with pytest.raises(TypeError, match="approve"):
        packer(ApprovalCb)


@pytest.mark.parametrize(
    ("cls", "pack", "field", "names"),
    [
        (DeviceCb, pack_device, "action", DeviceAction),
        (PageCb, pack_page, "kind", PageKind),
        (DueCb, pack_due, "action", DueAction),
        (DeviceAdminCb, pack_device_admin, "action", DeviceAdminAction),
    ],
    ids=lambda p: getattr(p, "__name__", ""),
)
def test_a_named_action_packs_to_its_plain_string_and_unpacks_equal_to_the_name(cls, pack, field, names):
    base = {name: 1 for name, info in cls.model_fields.items() if info.annotation in (int, "int")}
    for name in names:
        data = pack(**base, **{field: name})
        assert data == cls(**base, **{field: name.value}).pack() == cls(**base, **{field: name}).pack()
        assert type(data) is str and f":{name.value}" in data
        assert getattr(cls.unpack(data), field) == name
