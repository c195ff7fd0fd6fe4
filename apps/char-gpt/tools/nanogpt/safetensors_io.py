"""Reads and writes safetensors files by hand (struct + json), so the tools need only torch.

The format (Hugging Face): an 8-byte little-endian header length, a JSON header mapping each tensor
name to its dtype, shape and [begin, end) byte offsets in the data section, then the raw
little-endian data. The tools write and read float32 (F32) only.
"""
import json
import math
import struct

import torch

from tool_errors import ToolError, replace_atomically


class SafetensorsError(ToolError):
    """A malformed safetensors file; the message says what is wrong."""


def write_safetensors(path, tensors, metadata=None):
    """Writes a dict name -> tensor as float32, in the dict's order (atomically); the header is space-padded to 8 bytes."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(',', ':')).encode()
    raw += b' ' * (-len(raw) % 8)

    def write(f):
        f.write(struct.pack('<Q', len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)

    replace_atomically(path, write)


def read_safetensors(path):
    """A dict name -> float32 tensor (file order), checking the header: F32 dtype, shapes, offsets inside the file."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 8:
        raise SafetensorsError(f'{path}: {len(data)} bytes, too short for a safetensors header')
    (n,) = struct.unpack('<Q', data[:8])
    if 8 + n > len(data):
        raise SafetensorsError(f'{path}: header length {n} runs past the end of the {len(data)}-byte file (truncated?)')
    try:
        header = json.loads(data[8:8 + n])
    except ValueError:
        raise SafetensorsError(f'{path}: the header is not valid JSON') from None
    if not isinstance(header, dict):
        raise SafetensorsError(f'{path}: the header is not a JSON object')
    body = memoryview(data)[8 + n:]
    tensors = {}
    for name, entry in header.items():
        if name == '__metadata__':
            continue
        try:
            dtype, shape, (begin, end) = entry['dtype'], entry['shape'], entry['data_offsets']
        except (KeyError, TypeError, ValueError):
            raise SafetensorsError(f'{path}: the header entry of {name!r} lacks dtype, shape or data_offsets') from None
        if dtype != 'F32':
            raise SafetensorsError(f'{path}: tensor {name!r} is {dtype}; only F32 is read')
        count = math.prod(shape)
        if end - begin != 4 * count or not 0 <= begin <= end <= len(body):
            raise SafetensorsError(f'{path}: tensor {name!r} of shape {shape} has offsets [{begin}, {end}) '
                                   'outside the data or of the wrong size')
        flat = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.float32)
        tensors[name] = flat.view(shape)
    return tensors

