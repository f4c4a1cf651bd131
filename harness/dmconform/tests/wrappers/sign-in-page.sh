# Answers OPEN with a web sign-in page instead of SyncML, as a proxy in front
# of a DM client might.
. "$(dirname "$0")/common.sh"
hello
skip_frame
body='Sign in to continue: <a href="/login">login</a>'
printf 'MSG text/html %s\n%s' "${#body}" "$body"
sleep 1000
