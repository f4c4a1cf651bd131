#!/usr/bin/env python3
"""A tiny DM client behind the dmconform exec protocol (dmconform-exec/1),
in Python 3 with the standard library only.

It keeps node values in a dictionary: Add (200, or 418 when the node exists),
Replace (200, or 404), Get (200 with Results, or 404), Delete (200, or 404);
./DevInfo is read-only (405) and every other command gets 406. It speaks XML only and answers WBXML sessions
with UNSUPPORTED. Run it with:

    dmconform run --target "exec:python3 harness/examples/exec/tinyclient.py" --encoding xml
"""

import os
import sys
import xml.etree.ElementTree as ET

VERSION = "dmconform-exec/1"
XML = "application/vnd.syncml.dm+xml"
NS = "SYNCML:SYNCML1.2"
DEVICE = "TINYPY0001"
MAX_MESSAGE = 4 << 20


def read_frame(stdin):
    """The next frame as (verb, rest, headers, body), or None at the end."""
    headers = []
    while True:
        line = stdin.readline(4096)
        if not line:
            return None
        verb, _, rest = line.decode("utf-8").rstrip("\r\n").partition(" ")
        if verb == "HDR":
            name, _, value = rest.partition(":")
            headers.append((name.strip(), value.strip()))
            continue
        body = b""
        if verb == "MSG":
            length = int(rest.split(" ")[1])
            if length > MAX_MESSAGE:
                raise ValueError("message too large")
            body = stdin.read(length)
        return verb, rest, headers, body


def write_frame(stdout, line, body=None):
    if body is None:
        stdout.write(line.encode("utf-8") + b"\n")
    else:
        stdout.write(("MSG %s %d\n" % (XML, len(body))).encode("utf-8") + body)
    stdout.flush()


def local(tag):
    return tag.rsplit("}", 1)[-1]


def child(element, name):
    for c in element:
        if local(c.tag) == name:
            return c
    return None


def text(element, *path):
    for name in path:
        if element is None:
            return None
        element = child(element, name)
    return None if element is None else (element.text or "").strip()


def sub(parent, name, value=None):
    e = ET.SubElement(parent, name)
    if value is not None:
        e.text = value
    return e


class Client:
    def __init__(self):
        self.server = os.environ.get("DMCONFORM_SERVER_URI", "https://dmconform.invalid/omadm")
        self.nodes = {"./DevInfo/DevId": DEVICE, "./DevInfo/Man": "tinyclient"}
        self.session = 0
        self.msg_id = 0
        self.cmd_id = 0

    def message(self):
        """A SyncML root with this session's SyncHdr and an empty SyncBody."""
        self.msg_id += 1
        self.cmd_id = 0
        root = ET.Element("SyncML", xmlns=NS)
        hdr = sub(root, "SyncHdr")
        sub(hdr, "VerDTD", "1.2")
        sub(hdr, "VerProto", "DM/1.2")
        sub(hdr, "SessionID", str(self.session))
        sub(hdr, "MsgID", str(self.msg_id))
        sub(sub(hdr, "Target"), "LocURI", self.server)
        sub(sub(hdr, "Source"), "LocURI", DEVICE)
        return root, sub(root, "SyncBody")

    def next_id(self):
        self.cmd_id += 1
        return str(self.cmd_id)

    def open(self):
        self.session += 1
        self.msg_id = 0
        root, body = self.message()
        alert = sub(body, "Alert")
        sub(alert, "CmdID", self.next_id())
        sub(alert, "Data", "1201")
        replace = sub(body, "Replace")
        sub(replace, "CmdID", self.next_id())
        for uri in ("./DevInfo/DevId", "./DevInfo/Man"):
            item = sub(replace, "Item")
            sub(sub(item, "Source"), "LocURI", uri)
            sub(item, "Data", self.nodes[uri])
        sub(body, "Final")
        return ET.tostring(root)

    def status(self, body, msg_ref, cmd_ref, cmd, code, target=None):
        st = sub(body, "Status")
        sub(st, "CmdID", self.next_id())
        sub(st, "MsgRef", msg_ref)
        sub(st, "CmdRef", cmd_ref)
        sub(st, "Cmd", cmd)
        if target is not None:
            sub(st, "TargetRef", target)
        sub(st, "Data", str(code))

    def run(self, cmd, body, msg_ref):
        """Runs one command and answers it; Results follow a successful Get."""
        name = local(cmd.tag)
        cmd_ref = text(cmd, "CmdID") or ""
        item = child(cmd, "Item")
        uri = text(item, "Target", "LocURI")
        data = text(item, "Data")
        if name in ("Add", "Replace", "Delete") and (uri or "").startswith("./DevInfo"):
            code = 405
        elif name == "Add":
            code = 418 if uri in self.nodes else 200
            if code == 200:
                self.nodes[uri] = data or ""
        elif name == "Replace":
            code = 200 if uri in self.nodes else 404
            if code == 200:
                self.nodes[uri] = data or ""
        elif name == "Delete":
            code = 200 if self.nodes.pop(uri, None) is not None else 404
        elif name == "Get":
            code = 200 if uri in self.nodes else 404
        else:
            code = 406
        self.status(body, msg_ref, cmd_ref, name, code, uri)
        if name == "Get" and code == 200:
            results = sub(body, "Results")
            sub(results, "CmdID", self.next_id())
            sub(results, "MsgRef", msg_ref)
            sub(results, "CmdRef", cmd_ref)
            item = sub(results, "Item")
            sub(sub(item, "Source"), "LocURI", uri)
            sub(item, "Data", self.nodes[uri])

    def handle(self, server_body):
        """The reply to a server message, or None to end the session."""
        server = ET.fromstring(server_body)
        msg_ref = text(server, "SyncHdr", "MsgID") or "1"
        commands = [c for c in child(server, "SyncBody")
                    if local(c.tag) not in ("Status", "Results", "Final")]
        if not commands:
            return None
        root, body = self.message()
        self.status(body, msg_ref, "0", "SyncHdr", 200)
        for cmd in commands:
            self.run(cmd, body, msg_ref)
        sub(body, "Final")
        return ET.tostring(root)


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    client = Client()
    while True:
        frame = read_frame(stdin)
        if frame is None or frame[0] == "CLOSE":
            return 0
        verb, rest, _headers, body = frame
        if verb == "HELLO":
            write_frame(stdout, "HELLO " + VERSION if rest == VERSION else "ERROR protocol " + rest)
        elif verb == "OPEN" and rest != "xml":
            write_frame(stdout, "UNSUPPORTED tinyclient speaks XML only, not " + rest)
        elif verb == "OPEN":
            write_frame(stdout, "", client.open())
        elif verb == "MSG":
            try:
                reply = client.handle(body)
            except ET.ParseError as e:
                write_frame(stdout, "ERROR cannot parse the server message: %s" % e)
                continue
            if reply is None:
                write_frame(stdout, "END")
            else:
                write_frame(stdout, "", reply)
        else:
            write_frame(stdout, "ERROR unexpected " + verb)


if __name__ == "__main__":
    sys.exit(main())
