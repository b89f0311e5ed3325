"""Building request messages from keyword arguments, and trait values from plain Python.

Keyword arguments go to the generated message's constructor, which takes scalars, lists,
messages and (for message fields) dicts of a message's fields. On top of that, anywhere in a
request:

- a ``TraitGroup`` may be given as a dict of trait name -> value (``{"firstName": "Ada"}``);
- a ``TraitValue`` may be a plain value: ``str``, ``int``, ``float``, ``bool``, a list of
  ``str``, or ``None`` (a patch's "remove this trait"); or a dict of its fields;
- a map whose values are messages (``traits``) may hold dicts for them, which the protobuf
  runtime does not accept on its own.
"""

from __future__ import annotations

import time
from typing import Any, Iterable, Mapping, Optional, Union

from google.protobuf.descriptor import Descriptor, FieldDescriptor

from ._proto import engram_pb2 as pb

__all__ = ["build_request", "trait_value", "trait_groups", "traits_to_python", "python_value", "now_us", "PlainTrait"]

PlainTrait = Union[str, int, float, bool, None, Iterable[str], "pb.TraitValue"]

_CLASSES: dict[str, Any] = {}
for _name in dir(pb):
    _cls = getattr(pb, _name)
    if isinstance(getattr(_cls, "DESCRIPTOR", None), Descriptor):
        _CLASSES[_cls.DESCRIPTOR.full_name] = _cls

# Per message type: its message-typed fields (the only ones that may need converting).
_MESSAGE_FIELDS: dict[str, dict[str, FieldDescriptor]] = {}


def _message_fields(desc: Descriptor) -> dict[str, FieldDescriptor]:
    fields = _MESSAGE_FIELDS.get(desc.full_name)
    if fields is None:
        fields = {f.name: f for f in desc.fields if f.type == FieldDescriptor.TYPE_MESSAGE}
        _MESSAGE_FIELDS[desc.full_name] = fields
    return fields


def now_us() -> int:
    """The current time in microseconds since the Unix epoch, as the protocol's timestamps."""
    return time.time_ns() // 1000


def trait_value(value: PlainTrait, updated_at_us: int = 0) -> pb.TraitValue:
    """A ``TraitValue`` from a plain value (``None`` removes the trait in a patch)."""
    if isinstance(value, pb.TraitValue):
        return value
    if value is None:
        return pb.TraitValue(null_value=True, updated_at_us=updated_at_us)
    if isinstance(value, bool):
        return pb.TraitValue(bool_value=value, updated_at_us=updated_at_us)
    if isinstance(value, int):
        return pb.TraitValue(integer_value=value, updated_at_us=updated_at_us)
    if isinstance(value, float):
        return pb.TraitValue(number_value=value, updated_at_us=updated_at_us)
    if isinstance(value, str):
        return pb.TraitValue(string_value=value, updated_at_us=updated_at_us)
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        values = list(value)
        if not all(isinstance(v, str) for v in values):
            raise TypeError("a list trait holds strings only")
        return pb.TraitValue(list_value=pb.StringList(values=values), updated_at_us=updated_at_us)
    raise TypeError(f"cannot make a trait value of {type(value).__name__}")


def trait_groups(groups: Mapping[str, Mapping[str, PlainTrait]]) -> dict[str, pb.TraitGroup]:
    """``{"Contact": {"firstName": "Ada"}}`` -> ``{"Contact": TraitGroup(...)}``."""
    return {name: _as_message(pb.TraitGroup, group) for name, group in groups.items()}


def python_value(value: pb.TraitValue) -> Any:
    """A ``TraitValue`` as a plain Python value (``None`` when unset)."""
    kind = value.WhichOneof("kind")
    if kind is None or kind == "null_value":
        return None
    if kind == "list_value":
        return list(value.list_value.values)
    return getattr(value, kind)


def traits_to_python(traits: Mapping[str, pb.TraitGroup]) -> dict[str, dict[str, Any]]:
    """A response's ``traits`` map as ``{"Contact": {"firstName": "Ada"}}``."""
    return {g: {k: python_value(v) for k, v in group.traits.items()} for g, group in traits.items()}


def _as_message(cls: Any, value: Any) -> Any:
    if isinstance(value, cls):
        return value
    if cls is pb.TraitValue and not isinstance(value, Mapping):
        return trait_value(value)
    if cls is pb.TraitGroup and isinstance(value, Mapping):
        return pb.TraitGroup(traits={k: _as_message(pb.TraitValue, v) for k, v in value.items()})
    if isinstance(value, Mapping):
        return cls(**_coerce(cls.DESCRIPTOR, value))
    return value  # let the constructor report the wrong type


def _coerce(desc: Descriptor, fields: Mapping[str, Any]) -> dict[str, Any]:
    message_fields = _message_fields(desc)
    if not message_fields:
        return dict(fields)
    out = dict(fields)
    for name, value in fields.items():
        field = message_fields.get(name)
        if field is None or value is None:
            continue
        mtype = field.message_type
        if mtype.GetOptions().map_entry:
            vfield = mtype.fields_by_name["value"]
            if vfield.message_type is not None and isinstance(value, Mapping):
                vcls = _CLASSES[vfield.message_type.full_name]
                out[name] = {k: _as_message(vcls, v) for k, v in value.items()}
        elif field.label == FieldDescriptor.LABEL_REPEATED:
            cls = _CLASSES[mtype.full_name]
            if isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping)):
                out[name] = [_as_message(cls, v) for v in value]
        else:
            out[name] = _as_message(_CLASSES[mtype.full_name], value)
    return out


def build_request(cls: Any, request: Optional[Any], fields: Mapping[str, Any]) -> Any:
    """The request to send: ``request`` as given, or a new ``cls`` from keyword ``fields``."""
    if request is not None:
        if fields:
            raise TypeError(
                f"pass either a {cls.DESCRIPTOR.name} or its fields as keyword arguments, not both "
                f"(got {', '.join(sorted(fields))})"
            )
        if not isinstance(request, cls):
            raise TypeError(f"expected a {cls.DESCRIPTOR.full_name}, got {type(request).__name__}")
        return request
    if not fields:
        return cls()
    try:
        return cls(**_coerce(cls.DESCRIPTOR, fields))
    except ValueError as error:  # an unknown field name: say which message
        raise TypeError(f"{cls.DESCRIPTOR.name}: {error}") from None
