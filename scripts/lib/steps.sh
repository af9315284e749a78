# Sourced by the scripts in scripts/: `step "what it does"` prints a header and, when the next step starts (or
# `step_done` is called), how long the previous one took, so a long first run never sits silent and unexplained.
_step_title=""
_step_started=0

step_done() {
  if [ -n "$_step_title" ]; then
    printf '    done in %ds: %s\n' "$((SECONDS - _step_started))" "$_step_title"
    _step_title=""
  fi
}

step() {
  step_done
  _step_title="$*"
  _step_started=$SECONDS
  printf '\n==> %s\n' "$*"
}
