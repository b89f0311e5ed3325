# engram_canon.py: shared helpers for scripts/gen-vectors and scripts/interop.py.
#
#   canon(msg)        -> the canonical JSON-ready tree of a message (the Swift tests build the same tree)
#   canon_json(msg)   -> that tree as the exact JSON text (sorted keys, no spaces, UTF-8)
#   load_schema(root) -> (engram_pb2 module, [message descriptors]) compiled by protoc into a temp dir
#
# Not a script; imported by the two scripts above. Needs Debian's python3-protobuf, so run
# those with /usr/bin/python3.
#
# Canonical tree rules (must match the Swift side exactly):
# - keys are proto field names; fields without presence are omitted at their default (0, "",
#   false, empty bytes/list/map; floats and doubles only when the bit pattern is all zeros, so
#   -0.0 is kept); fields with presence (messages, `optional`, oneof members) are kept iff set.
# - string -> JSON string; bool -> JSON bool; every integer type and enums -> decimal string;
#   float -> "f:" + 8 hex digits of the IEEE-754 bits; double -> "d:" + 16 hex digits;
#   bytes -> "b:" + hex; message -> object; repeated -> array; map<string, V> -> object.

import atexit
import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

from google.protobuf import descriptor as _d

PROTO_DIR = "Protocol"
PROTO_FILE = "engram.proto"
PACKAGE = "engram.v1"

_INT_TYPES = {
    _d.FieldDescriptor.TYPE_INT32, _d.FieldDescriptor.TYPE_INT64,
    _d.FieldDescriptor.TYPE_UINT32, _d.FieldDescriptor.TYPE_UINT64,
    _d.FieldDescriptor.TYPE_SINT32, _d.FieldDescriptor.TYPE_SINT64,
    _d.FieldDescriptor.TYPE_FIXED32, _d.FieldDescriptor.TYPE_FIXED64,
    _d.FieldDescriptor.TYPE_SFIXED32, _d.FieldDescriptor.TYPE_SFIXED64,
    _d.FieldDescriptor.TYPE_ENUM,
}


def repo_root():
    """The repository root: the parent of the directory holding this file."""
    return os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def is_map(fd):
    return (fd.type == _d.FieldDescriptor.TYPE_MESSAGE
            and fd.message_type.GetOptions().map_entry)


def has_presence(fd):
    """Message fields, proto3 `optional` fields (synthetic oneof) and oneof members."""
    if fd.label == _d.FieldDescriptor.LABEL_REPEATED:
        return False
    return fd.message_type is not None or fd.containing_oneof is not None


def is_real_oneof(oneof):
    """False for the synthetic oneof protoc makes for a proto3 `optional` field."""
    if hasattr(oneof, "is_synthetic"):
        return not oneof.is_synthetic
    return not (len(oneof.fields) == 1 and oneof.name == "_" + oneof.fields[0].name)


def float_bits(v):
    return struct.unpack(">I", struct.pack(">f", v))[0]


def double_bits(v):
    return struct.unpack(">Q", struct.pack(">d", v))[0]


def is_default(fd, v):
    t = fd.type
    if t == _d.FieldDescriptor.TYPE_FLOAT:
        return float_bits(v) == 0
    if t == _d.FieldDescriptor.TYPE_DOUBLE:
        return double_bits(v) == 0
    if t == _d.FieldDescriptor.TYPE_BOOL:
        return not v
    if t in (_d.FieldDescriptor.TYPE_STRING, _d.FieldDescriptor.TYPE_BYTES):
        return len(v) == 0
    if t in _INT_TYPES:
        return v == 0
    raise TypeError("is_default: unexpected type for " + fd.full_name)


def scalar(fd, v):
    t = fd.type
    if t == _d.FieldDescriptor.TYPE_MESSAGE:
        return canon(v)
    if t == _d.FieldDescriptor.TYPE_STRING:
        return v
    if t == _d.FieldDescriptor.TYPE_BOOL:
        return bool(v)
    if t in _INT_TYPES:
        return str(int(v))
    if t == _d.FieldDescriptor.TYPE_FLOAT:
        return "f:%08x" % float_bits(v)
    if t == _d.FieldDescriptor.TYPE_DOUBLE:
        return "d:%016x" % double_bits(v)
    if t == _d.FieldDescriptor.TYPE_BYTES:
        return "b:" + bytes(v).hex()
    raise TypeError("canon: unsupported field type %d (%s)" % (t, fd.full_name))


def map_key(fd, k):
    if fd.type == _d.FieldDescriptor.TYPE_STRING:
        return k
    if fd.type == _d.FieldDescriptor.TYPE_BOOL:
        return "true" if k else "false"
    return str(int(k))  # only map<string, V> exists today; integer keys use their decimal text


def canon(msg):
    out = {}
    for fd in msg.DESCRIPTOR.fields:
        name = fd.name
        if is_map(fd):
            m = getattr(msg, name)
            if len(m) == 0:
                continue
            kfd = fd.message_type.fields_by_name["key"]
            vfd = fd.message_type.fields_by_name["value"]
            out[name] = {map_key(kfd, k): scalar(vfd, m[k]) for k in list(m.keys())}
        elif fd.label == _d.FieldDescriptor.LABEL_REPEATED:
            values = getattr(msg, name)
            if len(values) == 0:
                continue
            out[name] = [scalar(fd, v) for v in values]
        elif has_presence(fd):
            if msg.HasField(name):
                out[name] = scalar(fd, getattr(msg, name))
        else:
            v = getattr(msg, name)
            if not is_default(fd, v):
                out[name] = scalar(fd, v)
    return out


def dumps(tree):
    return json.dumps(tree, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canon_json(msg):
    return dumps(canon(msg))


def all_messages(file_desc):
    """Every message of the file (nested ones too), in declaration order, without map entries."""
    out = []

    def walk(desc):
        if desc.GetOptions().map_entry:
            return
        out.append(desc)
        for nested in desc.nested_types:
            walk(nested)

    for desc in file_desc.message_types_by_name.values():
        walk(desc)
    return out


_loaded = None


def load_schema(root=None):
    """Compile Protocol/engram.proto with protoc into a temp dir and import it.

    Returns (module, messages) where messages is the list of message descriptors in
    declaration order. The temp dir is removed at exit.
    """
    global _loaded
    if _loaded is not None:
        return _loaded
    root = root or repo_root()
    tmp = tempfile.mkdtemp(prefix="engram-pb2-")
    atexit.register(shutil.rmtree, tmp, True)
    proto_dir = os.path.join(root, PROTO_DIR)
    try:
        subprocess.run(["protoc", "-I" + proto_dir, "--python_out=" + tmp,
                        os.path.join(proto_dir, PROTO_FILE)], check=True)
    except FileNotFoundError:
        sys.exit("error: protoc not found on PATH")
    except subprocess.CalledProcessError as e:
        sys.exit("error: protoc failed on %s/%s (exit %d)" % (PROTO_DIR, PROTO_FILE, e.returncode))
    module_name = os.path.splitext(PROTO_FILE)[0] + "_pb2"
    spec = importlib.util.spec_from_file_location(module_name, os.path.join(tmp, module_name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _loaded = (module, all_messages(module.DESCRIPTOR))
    return _loaded


def message_class(module, desc):
    """The generated class for a (possibly nested) message descriptor."""
    names = desc.full_name[len(module.DESCRIPTOR.package) + 1:].split(".")
    obj = module
    for n in names:
        obj = getattr(obj, n)
    return obj
