# Logs the credentials it was given on standard error, then behaves.
echo "wrapper: logging in as $DMCONFORM_USER with $DMCONFORM_PASSWORD" >&2
. "$(dirname "$0")/well-behaved.sh"
