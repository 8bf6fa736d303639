"""D-Bus values with the exact wire types the specs ask for, from PySide6's QtDBus.

PySide6 sends a Python int as a 32-bit D-Bus int (64-bit only when it does not fit), its
QDBusArgument `<<` writes ints as uint16 and strings as bytes, and a QDBusVariant inside a dict
goes out wrapped twice; MPRIS needs int64 positions and lengths. QtDBus itself gets every type
right for Qt properties ("qlonglong", "QStringList", ...), and a reply it makes in-process keeps
them: so `TypedValues` puts the values on small property objects of its own and reads them back
with a local Properties.Get (one value, as a QDBusVariant) or GetAll (a whole a{sv}, as a
QDBusArgument, which a dict or a message then carries as it is).
"""

from __future__ import annotations

from PySide6.QtCore import ClassInfo, Property, QMetaType, QObject
from PySide6.QtDBus import (
    QDBusAbstractAdaptor,
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
    QDBusVariant,
)

TYPED_PATH = "/org/moodplayer/TypedValues"
TYPED_INTERFACE = "org.moodplayer.TypedValues"
PROPERTIES = "org.freedesktop.DBus.Properties"
QT_TYPES = {"int64": "qlonglong", "uint32": "uint", "string": str, "strings": "QStringList",
            "path": QDBusObjectPath, "double": float, "bool": bool, "int32": int}


def _adaptor_class(interface: str, fields: tuple[tuple[str, str], ...]):
    """A QDBusAbstractAdaptor with one typed, read-only property per (name, kind)."""
    namespace = {"__init__": _init_adaptor}
    for name, kind in fields:
        namespace[name] = Property(QT_TYPES[kind], lambda self, n=name: self.values[n])
    cls = type(f"Typed_{abs(hash(fields))}", (QDBusAbstractAdaptor,), namespace)
    return ClassInfo({"D-Bus Interface": interface})(cls)


def _init_adaptor(self, parent: QObject) -> None:
    QDBusAbstractAdaptor.__init__(self, parent)
    self.values = {}


class TypedValues(QObject):
    """Typed D-Bus values, made on one connection."""

    def __init__(self, connection: QDBusConnection, parent: QObject | None = None):
        super().__init__(parent)
        self._connection = connection
        self._shapes: dict[tuple, tuple[str, str, QDBusAbstractAdaptor]] = {}

    def value(self, kind: str, value) -> QDBusVariant:
        """One value as a QDBusVariant of the right type (a Get reply, a variant argument)."""
        path, interface, holder = self._holder((("Value", kind),))
        holder.values = {"Value": value}
        reply = self._call(path, "Get", [interface, "Value"])
        return reply[0] if reply else QDBusVariant(value)

    def int64(self, value: int) -> QDBusVariant:
        return self.value("int64", int(value))

    def map(self, typed: dict[str, tuple[str, object]]) -> QDBusArgument | dict:
        """An a{sv} from {key: (kind, value)}, each value of its kind; keys may hold ':'."""
        fields = tuple(sorted((key, kind) for key, (kind, _value) in typed.items()))
        path, interface, holder = self._holder(fields)
        holder.values = {key: value for key, (_kind, value) in typed.items()}
        reply = self._call(path, "GetAll", [interface])
        return reply[0] if reply else {key: value for key, (_kind, value) in typed.items()}

    def _holder(self, fields: tuple[tuple[str, str], ...]):
        if fields not in self._shapes:
            number = len(self._shapes)
            path, interface = f"{TYPED_PATH}/s{number}", f"{TYPED_INTERFACE}.S{number}"
            target = QObject(self)
            holder = _adaptor_class(interface, fields)(target)
            self._connection.registerObject(path, target)
            self._shapes[fields] = (path, interface, holder)
        return self._shapes[fields]

    def _call(self, path: str, method: str, arguments: list) -> list:
        call = QDBusMessage.createMethodCall(self._connection.baseService(), path, PROPERTIES, method)
        call.setArguments(arguments)
        reply = self._connection.call(call)
        return reply.arguments() if reply.type() == QDBusMessage.MessageType.ReplyMessage else []

    def close(self) -> None:
        for path, _interface, _holder in self._shapes.values():
            self._connection.unregisterObject(path)
        self._shapes.clear()


def string_array(items: list[str]) -> QDBusArgument | list[str]:
    """An `as`, also when empty (an empty Python list would go out as `av`)."""
    if items:
        return [str(item) for item in items]
    argument = QDBusArgument()
    argument.beginArray(QMetaType(QMetaType.Type.QString))
    argument.endArray()
    return argument


def reply_to(message: QDBusMessage, arguments: list) -> QDBusMessage:
    # createReply(list) would send the list as one `av` argument
    reply = message.createReply()
    reply.setArguments(arguments)
    return reply
