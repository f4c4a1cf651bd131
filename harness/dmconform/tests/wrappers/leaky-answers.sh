# Names the credentials it was given in its answers, in turn: ERROR for the first
# OPEN, UNSUPPORTED for the second, and at the third it logs them on standard
# error and dies (so they would reach the error message with the log's tail).
. "$(dirname "$0")/common.sh"
basic=$(printf '%s:%s' "$DMCONFORM_USER" "$DMCONFORM_PASSWORD" | base64 | tr -d '\n')
hello
opened=0
while :; do
  skip_frame
  case "$verb" in
    OPEN)
      opened=$((opened + 1))
      case "$opened" in
        1) echo "ERROR cannot log in as $DMCONFORM_USER with $DMCONFORM_PASSWORD (Authorization: Basic $basic)" ;;
        2) echo "UNSUPPORTED the password $DMCONFORM_PASSWORD is refused here" ;;
        *) echo "wrapper: giving up on $DMCONFORM_PASSWORD / $basic" >&2; exit 3 ;;
      esac ;;
    *) exit 0 ;;
  esac
done
