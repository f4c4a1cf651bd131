# Answers OPEN with package 1 and ends the session at the first server message.
. "$(dirname "$0")/common.sh"
note_pids
hello
while :; do
  skip_frame
  case "$verb" in
    OPEN) package1 ;;
    MSG) echo "END" ;;
    *) exit 0 ;;
  esac
done
