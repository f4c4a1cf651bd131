# Shared by the misbehaving wrappers of tests/exec.rs: just enough of the exec
# protocol (dmconform-exec/1) to reach the point where each one misbehaves.

# Records this shell's pid and its extra pids for the leak checks.
note_pids() {
  if [ -n "${DMCONFORM_TEST_PIDFILE:-}" ]; then
    echo "$$ $*" >>"$DMCONFORM_TEST_PIDFILE"
  fi
}

# Reads the harness's HELLO and answers it.
hello() {
  read -r _verb _version || exit 0
  echo "HELLO dmconform-exec/1"
}

# Reads one frame (HDR lines, then OPEN, CLOSE or MSG with its body).
skip_frame() {
  while read -r verb _type len; do
    case "$verb" in
      HDR) ;;
      MSG) dd bs=1 count="$len" of=/dev/null 2>/dev/null; return 0 ;;
      *) return 0 ;;
    esac
  done
  exit 0
}

# A minimal, well-formed package 1 in XML.
package1() {
  p1='<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>https://dmconform.invalid/omadm</LocURI></Target><Source><LocURI>SHELL0001</LocURI></Source></SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert><Final/></SyncBody></SyncML>'
  printf 'MSG application/vnd.syncml.dm+xml %s\n%s' "$(printf '%s' "$p1" | wc -c | tr -d ' ')" "$p1"
}
