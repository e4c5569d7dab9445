"""Creates sent to jsii's kernel without waiting for each answer, while charts are built.

Building a chart is a sequence of creates, each a round trip: Python prepares an object's props
while Node waits, then Node builds the object while Python waits. Python needs nothing from a
create's answer but the new object's reference, and the kernel names every object it hands to
Python `<fqn>@<n>`, n counting up from one counter. So inside `pipelined()` a create is written
with its reference predicted, and Python goes on preparing the next object while Node builds
this one (on the other core). The answers are read, each checked against its prediction, before
the next request whose answer Python needs (a property read, a method or static call) and at
the end of the block.

A prediction is made only where it cannot go wrong unnoticed, and a wrong one raises before
anything reads the objects: the output is never different, but an error Node reports for a
create surfaces at the next synchronous request instead of at the line that caused it.
- The counter is known: a create's answer names the newest object, and every other answer is
  scanned for objects newer than that, from the kernel's start (kernels that
  synthesis/kernel_channel.py started; any other kernel is never pipelined).
- The create passes no Python overrides (Node could call back into Python while building), and
  no object with overrides exists yet (its methods could be called back while building another).
- The answer will be a bare reference: the interfaces the create passes are those the class's
  generated binding declares (which the kernel leaves out of its answer), or a create of the
  class with the same interfaces was answered that way before.
- Static factories (FACTORY_PREFIX) are predicted the same way once one answered with a new
  object: the value objects of Quantity, IntOrString and the CRD bindings' union types.
The requests are the same bytes in the same order as stock jsii's; only when Python reads the
answers changes.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from jsii import _reference_map as jsii_reference_map
from jsii._kernel.providers import process as jsii_process
from jsii._kernel.types import CreateRequest, InvokeResponse, ObjRef, StaticInvokeRequest
from jsii._stack_trace import capture_stack_trace
from jsii._stack_trace import is_enabled as stack_traces_enabled
from jsii.errors import ErrorType, JavaScriptError, JSIIError

from synthesis import kernel_requests
from synthesis.kernel_channel import KernelProcess

MAX_PENDING = 200
"""Unread answers at most: each is ~60 bytes, far below what the socket buffers before the
kernel would block writing answers while Python blocks writing requests."""

FACTORY_PREFIX = "from"
"""Static methods named from* (Quantity.fromString, IntOrString.fromNumber and the CRD bindings'
union types) are factories: once one answered with a new object, its later calls are predicted
to as well. A factory that returns an object handed out before fails the check, loudly."""

_REFERENCE = re.compile(rb'"\$jsii\.byref":"[^"]*@(\d+)"')
"""A reference in an answer as the kernel writes it (JSON.stringify: no spaces; inside a JSON
string the quotes would be escaped, so data cannot look like this)."""

_stock_send: Callable[..., Any] = jsii_process._NodeProcess.send
_depth = 0
_current: Any = None  # the _NodeProcess of this process's kernel, once it sent a request


class _Pipeline:
    """What one kernel's pipelining knows: the next reference number, the predictions not yet
    checked, and which classes answer creates with a bare reference."""

    def __init__(self) -> None:
        self.next_id: int | None = None
        self.pending: deque[tuple[str, bool]] = deque()  # (predicted reference, answered as a result)
        self.bare_classes: set[tuple[str, tuple[str, ...]]] = set()
        self.factories: dict[tuple[str, str], str] = {}  # (class, static method) -> class of the new object
        self.overrides_seen = False

    def read(self, node: Any) -> Any:
        """The next answer; a reference numbered from the counter's next value means the
        kernel handed out a new object (a property or a method's result), so the counter moved."""
        line = node._process.stdout.readline()
        if self.next_id is not None:
            for match in _REFERENCE.finditer(line):
                self.next_id = max(self.next_id, int(match.group(1)) + 1)
        return json.loads(line, object_hook=jsii_process.ohook)

    def created(self, ref: ObjRef) -> None:
        """A create's answer names the newest object: the counter's next value is known exactly."""
        self.next_id = int(ref.ref.rpartition("@")[2]) + 1

    def submit(self, node: Any, request: Any, made: str, *, result: bool = False) -> ObjRef:
        """Write `request`, whose answer will be a new object of class `made` (as the method's
        result, or as a create's answer), and return the reference it will have."""
        assert self.next_id is not None
        _write(node, request)  # first: a request that cannot be written does not move the counter
        ref = f"{made}@{self.next_id}"
        self.next_id += 1
        self.pending.append((ref, result))
        if len(self.pending) >= MAX_PENDING:
            self.drain(node)
        return ObjRef(ref=ref)

    def drain(self, node: Any) -> None:
        """Read every unread answer; raise the first that is not its prediction."""
        problem: Exception | None = None
        while self.pending:
            expected, result = self.pending.popleft()
            message = self.read(node)  # read them all: the stream must stay in step
            answer = message.get("ok") if isinstance(message, dict) else None
            if result:
                answer = answer.get("result") if isinstance(answer, dict) else None
            if isinstance(answer, ObjRef):
                self.created(answer)
            if problem is None and not (isinstance(answer, ObjRef) and answer.ref == expected and not answer.interfaces):
                problem = _error(node, message, expected)
        if problem is not None:
            raise problem


def _error(node: Any, message: Any, expected: str) -> Exception:
    if isinstance(message, dict) and "error" in message:
        response = node._serializer.structure(message, jsii_process._ErrorResponse)
        kind = JSIIError if response.name == ErrorType.JSII_FAULT.value else RuntimeError
        error = kind(response.error)
        error.__cause__ = JavaScriptError(response.stack)  # as jsii raises it: `raise ... from`
        error.__suppress_context__ = True
        return error
    return JSIIError(f"jsii kernel answered {message!r} to a request whose new object was predicted as {expected}")


def _write(node: Any, request: Any) -> None:
    """What jsii's send writes for `request`."""
    data = kernel_requests.data(node, request)
    if stack_traces_enabled():
        stack_trace = capture_stack_trace()
        if stack_trace:
            data["$jsii.stacktrace"] = stack_trace
    node._process.stdin.write(b"%b\n" % (kernel_requests.encode(node, data),))
    node._process.stdin.flush()


def _answered_bare(pipeline: _Pipeline, key: tuple[str, tuple[str, ...]]) -> bool:
    """Whether a create of this class with these interfaces is answered with a bare reference:
    it was before, or the interfaces are those its generated class declares (the kernel leaves
    out of its answer the interfaces the class implements)."""
    if key in pipeline.bare_classes:
        return True
    generated = jsii_reference_map._types.get(key[0])
    declared = {interface.__jsii_type__ for interface in getattr(generated, "__jsii_ifaces__", ())}
    return generated is not None and set(key[1]) <= declared


def _pipeline_of(node: Any) -> _Pipeline | None:
    """The node's pipeline, if its kernel was started by kernel_channel (so that every answer
    since its start passed through here); None for any other kernel."""
    pipeline = node.__dict__.get("_synthesis_pipeline")
    if pipeline is None and isinstance(getattr(node, "_process", None), KernelProcess):
        pipeline = node.__dict__["_synthesis_pipeline"] = _Pipeline()
    return pipeline


def send(self: Any, request: Any, response_type: Any) -> Any:
    """jsii's `_NodeProcess.send`, pipelining creates inside `pipelined()`."""
    global _current
    _current = self
    pipeline = _pipeline_of(self)
    if pipeline is None:
        return _stock_send(self, request, response_type)
    key = factory = None
    predictable = _depth and pipeline.next_id is not None and not pipeline.overrides_seen
    if type(request) is CreateRequest:
        key = (request.fqn, tuple(request.interfaces or ()))
        if request.overrides:
            pipeline.overrides_seen = True
        elif predictable and _answered_bare(pipeline, key):
            return pipeline.submit(self, request, request.fqn)
    elif type(request) is StaticInvokeRequest and request.method.startswith(FACTORY_PREFIX):
        factory = (request.fqn, request.method)
        made = pipeline.factories.get(factory)
        if predictable and made is not None:
            return InvokeResponse(result=pipeline.submit(self, request, made, result=True))
    pipeline.drain(self)
    counter = pipeline.next_id
    _write(self, request)
    response = self._serializer.structure(pipeline.read(self), jsii_process._ProcessResponse)
    if isinstance(response, jsii_process._CallbackResponse):
        return response.callback
    if not isinstance(response, jsii_process._OkayResponse):
        raise _error(self, {"error": response.error, "stack": response.stack, "name": response.name}, "")
    result = self._serializer.structure(response.ok, response_type)
    made = getattr(result, "result", None) if factory is not None else None
    if isinstance(made, ObjRef) and not made.interfaces and counter is not None:
        name, _, number = made.ref.rpartition("@")
        if int(number) == counter:  # a new object, not one handed out before
            pipeline.factories[factory] = name
    if key is not None and isinstance(result, ObjRef):
        pipeline.created(result)
        if not request.overrides and not result.interfaces:
            pipeline.bare_classes.add(key)
    return result


@contextlib.contextmanager
def pipelined() -> Iterator[None]:
    """Pipeline creates within the block; every answer has been read and checked when it ends."""
    global _depth
    _depth += 1
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        _depth -= 1
        pipeline = _pipeline_of(_current) if _current is not None else None
        if pipeline is not None and pipeline.pending:
            try:
                pipeline.drain(_current)
            except Exception:
                if not failed:
                    raise


def is_installed() -> bool:
    return jsii_process._NodeProcess.send is send


def install() -> None:
    jsii_process._NodeProcess.send = send
