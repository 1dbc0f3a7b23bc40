"""The request Data as a .NET parking server signs it (docs/PROTOCOL.md, the default-value trap).

A .NET server deserialises the request Data into a typed model before it checks the signature,
so a numeric or boolean field that the JSON leaves out is signed with its default value (``0``,
``false``); an absent string or list is ``null`` and drops out of the signed string. The
simulator verifies the signature over :func:`dotnet_view` of the Data, so a client that omits
``DiscountAmount`` and signs without it gets ``1001``, exactly as from the real server.

The value-type fields come from the pydantic request models of ``booth_console.protocol.models``
(``Endpoint.request_model``), never from a hand-kept list: a field whose annotation is ``int``,
``bool``, ``float`` or ``Decimal`` and cannot be ``None`` is a .NET value type; fields that are
lists or objects of another model are followed (``Items``, ``PlateCouponNos``, the rows of
``SetCallbackParams``).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, RootModel

from booth_console.protocol.models import input_keys

__all__ = ["Shape", "dotnet_view", "shape_of"]


@dataclass(frozen=True)
class Shape:
    """The value-type fields of one request model, and the shapes of its nested models.

    Attributes:
        defaults: wire name -> the .NET default (``0`` or ``False``) of each value-type field.
        names: wire name -> every name the field may come under (aliases), lower-cased.
        nested: wire name -> the shape of a nested model (an object, or the items of a list).
        items: for a top-level array (``RootModel[list[X]]``): the shape of its items.
    """

    defaults: dict[str, Any] = field(default_factory=dict)
    names: dict[str, frozenset[str]] = field(default_factory=dict)
    nested: dict[str, Shape] = field(default_factory=dict)
    items: Shape | None = None


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The bare type of an annotation and whether it may be ``None``."""
    nullable = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin is typing.Union or origin is types.UnionType:
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != len(typing.get_args(annotation)):
                nullable = True
            if len(args) != 1:
                return annotation, nullable
            annotation = args[0]
            continue
        return annotation, nullable


def _model_class(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _element_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a field that is a model, or a list of a model."""
    bare, _ = _unwrap(annotation)
    if typing.get_origin(bare) in (list, tuple):
        args = typing.get_args(bare)
        return _model_class(_unwrap(args[0])[0]) if args else None
    return _model_class(bare)


def _value_default(annotation: Any) -> Any:
    """``0``/``False`` for a .NET value type that cannot be null, else ``None``."""
    bare, nullable = _unwrap(annotation)
    if nullable or not isinstance(bare, type):
        return None
    if issubclass(bare, bool):
        return False
    if issubclass(bare, int | float | Decimal):
        return 0
    return None


@cache
def shape_of(model: type[BaseModel]) -> Shape:
    """The :class:`Shape` of a request model (cached)."""
    if issubclass(model, RootModel):
        root = model.model_fields["root"].annotation
        inner = _element_model(root)
        return Shape(items=shape_of(inner) if inner is not None else None)
    defaults: dict[str, Any] = {}
    names: dict[str, frozenset[str]] = {}
    nested: dict[str, Shape] = {}
    for name, info in model.model_fields.items():
        wire = info.serialization_alias or info.alias or name
        aliases = {wire} | input_keys(name, info)
        names[wire] = frozenset(a.lower() for a in aliases)
        default = _value_default(info.annotation)
        if default is not None:
            defaults[wire] = default
            continue
        inner = _element_model(info.annotation)
        if inner is not None:
            nested[wire] = shape_of(inner)
    return Shape(defaults=defaults, names=names, nested=nested)


def _apply(shape: Shape, data: Any) -> Any:
    if isinstance(data, list):
        if shape.items is None:
            return data
        return [_apply(shape.items, item) for item in data]
    if not isinstance(data, dict):
        return data
    present = {str(k).lower(): k for k in data}
    out = dict(data)
    for wire, default in shape.defaults.items():
        if not any(alias in present for alias in shape.names[wire]):
            out[wire] = default
    for wire, inner in shape.nested.items():
        for alias in shape.names[wire]:
            key = present.get(alias)
            if key is None:
                continue
            value = data[key]
            if isinstance(value, list):
                out[key] = [_apply(inner, item) for item in value]
            elif isinstance(value, dict):
                out[key] = _apply(inner, value)
            break
    return out


def dotnet_view(model: type[Any] | None, data: Any) -> Any:
    """``data`` with the defaults a .NET server would sign for the value-type fields it lacks.

    Args:
        model: the endpoint's request model (``Endpoint.request_model``; ``None``: no Data).
        data: the request Data as parsed from the JSON (not modified).

    Returns:
        a copy of ``data`` where each absent numeric field of the model (and of its nested
        models, inside lists too) is ``0`` and each absent boolean ``False``; absent strings
        and lists stay absent (``null`` is not signed). Anything that is not a model-shaped
        object is returned as it is.
    """
    if model is None or not (isinstance(model, type) and issubclass(model, BaseModel)):
        return data
    return _apply(shape_of(model), data)
