#!/usr/bin/env bash
# A plugin exercising every function of the shell SDK; plugin-sdk/python/tests/test_shell_sdk.py drives it.
# It runs under `set -euo pipefail` on purpose: the SDK must work with them, and handlers inherit them.
set -euo pipefail
source "$(dirname "$0")/../dltaf.sh"

echo "demo shell plugin: loading" # stdout is stderr from here on

dltaf_plugin demo-shell 0.0.1 "Shell SDK test plugin"
dltaf_runner demo_rows rows_run rows_validate "Counts pretend rows"
dltaf_runner sleepy sleepy_run
dltaf_runner chatty chatty_run
dltaf_runner misbehaving misbehaving_run
dltaf_runner loader loader_run "" "Loads rows with the data feature (data.v1)"
dltaf_hook guard guard_hook "pre_run post_run"
dltaf_check demo_check check_run check_applies "A check that does what its config says"
dltaf_check always always_run

rows_validate() {
  local found=()
  if [[ -z $(dltaf_manifest '.source.path | strings') ]]; then
    found+=("$(dltaf_diagnostic error "source.path is required" /source/path demo.no_path)")
  fi
  if [[ $(dltaf_manifest '(.source.limit // 0) < 0') == true ]]; then
    found+=("$(dltaf_diagnostic error "limit must be >= 0" /source/limit)")
  fi
  found+=("$(dltaf_diagnostic info "validated by $DLTAF_CALL_NAME")")
  dltaf_diagnostics "$(printf '%s\n' "${found[@]}")"
}

rows_run() {
  local rows i
  if [[ -n $(dltaf_param '.env.FAIL_WITH') ]]; then
    dltaf_fail "credentials refused" AUTH demo.auth true
  fi
  rows=$(dltaf_manifest '.source.rows // 3')
  for ((i = 1; i <= rows; i++)); do dltaf_progress "$i" "$rows" rows; done
  dltaf_state "{\"cursor\": $rows}"
  dltaf_log warning "a warning with \"quotes\", a back\\slash, a tab	and é" '{"logger": "demo"}'
  dltaf_run_result success "$rows rows" "{\"rows_count\": $rows}" '{"payload": {"kind": "'"$DLTAF_CALL_NAME"'"}}'
}

# source: seconds (how long to sleep), pid_file (where to write the sleep's pid), ignore_term (trap '' TERM).
sleepy_run() {
  local seconds pid_file
  seconds=$(dltaf_manifest '.source.seconds // 1')
  pid_file=$(dltaf_manifest '.source.pid_file // empty')
  if [[ $(dltaf_manifest '.source.ignore_term // false') == true ]]; then trap '' TERM; fi
  sleep "$seconds" &
  if [[ -n $pid_file ]]; then echo "$!" >"$pid_file"; fi
  wait "$!" || true
  dltaf_run_result success "slept ${seconds}s"
}

# Writes to stdout in every way, reads stdin, and answers with what it saw.
chatty_run() {
  local from_stdin
  echo "echo from a handler"
  printf 'printf from a handler\n'
  bash -c 'echo "a child process writing to stdout"'
  from_stdin=$(cat)
  dltaf_result "$(jq -cn --arg s "$from_stdin" --arg event "$DLTAF_CALL_EVENT" --arg method "$DLTAF_CALL_METHOD" \
    '{status: "success", payload: {stdin: $s, event: $event, method: $method}}')"
}

# source.how: silent, exit, unbound, bad_answer, twice, wrong_answer, raw, fail_default, fail_bad_category
misbehaving_run() {
  case $(dltaf_manifest '.source.how') in
    silent) : ;;
    exit) exit 3 ;;
    unbound) echo "$no_such_variable" ;;
    bad_answer) dltaf_run_result exploded "no such status" ;;
    twice) dltaf_run_result success "first" && dltaf_run_result failed "second" ;;
    wrong_answer) dltaf_check_result true '[]' '[]' ;;
    raw) dltaf_result '{"status": "partial_success", "warnings": ["raw"]}' ;;
    fail_default) dltaf_fail "plain failure" && echo "not reached" ;;
    fail_bad_category) dltaf_fail "odd category" NOPE ;;
    nested_fail) (dltaf_fail "failed in a subshell" DATA) || true ;;
  esac
}

# With data.v1: opens `people`, hands over a CSV spool file and an inline batch, checkpoints, and answers
# what it saw. source.how: stray (writes to a stream never opened, under set -e), outside (a file outside
# the spool).
loader_run() {
  local file before stream_before how
  if ! dltaf_data_enabled; then
    dltaf_run_result success "no data feature" '' "$(jq -cn --arg out "$(dltaf_data_open people 2>&1; echo "status $?")" '{payload: {open: $out}}')"
    return
  fi
  how=$(dltaf_manifest '.source.how // "load"')
  before=$(dltaf_data_state)
  stream_before=$(dltaf_data_state people)
  case $how in
    stray) dltaf_data_write_rows nobody '["id"]' <<<'[1]' ;; # fails: set -e ends the handler
    outside)
      dltaf_data_write_file people /etc/hostname csv || dltaf_run_result failed "refused with status $?"
      return
      ;;
  esac
  dltaf_data_open people id '{"write_disposition": "merge"}'
  local opened=$DLTAF_DATA_RESULT
  file=$(dltaf_data_spool_file .csv)
  printf 'id,name\n1,"Ada, Countess"\n2,\n' >"$file"
  dltaf_data_write_file people "$file" csv
  local wrote=$DLTAF_DATA_RESULT
  printf '[3, "Linus"]\n[4, "Grace"]\n' | dltaf_data_write_rows people '["id", "name"]'
  dltaf_data_checkpoint '{"cursor": 4}' '{"people": {"last_id": 4}}'
  dltaf_run_result success "4 rows" '{"rows_count": 4}' "$(jq -cn --argjson before "$before" --argjson stream "$stream_before" \
    --argjson opened "$opened" --argjson wrote "$wrote" --argjson checkpoint "$DLTAF_DATA_RESULT" \
    --argjson after "$(dltaf_data_state)" --argjson stream_after "$(dltaf_data_state people)" --arg file "$file" \
    '{payload: {before: $before, stream: $stream, opened: $opened, wrote: $wrote, checkpoint: $checkpoint,
      after: $after, stream_after: $stream_after, file: $file}}')"
}

guard_hook() {
  if [[ $(dltaf_config '.deny // false') == true ]]; then
    dltaf_hook_veto "denied by config in $DLTAF_CALL_EVENT"
  elif [[ $(dltaf_config '.answer // false') == true ]]; then
    dltaf_hook_ok "fine in $DLTAF_CALL_EVENT"
  fi # otherwise no answer: ok
}

check_applies() { # the exit status answers unless config.reason is given
  local reason
  reason=$(dltaf_config '.reason // empty')
  if [[ -n $reason ]]; then
    dltaf_applies "$(dltaf_config '.applies // false')" "$reason"
    return
  fi
  [[ $(dltaf_config '.applies // false') == true ]]
}

check_run() {
  case $(dltaf_config '.mode // "pass"') in
    pass) dltaf_check_result true '[]' '["a warning"]' "$(dltaf_param '{timeout: .timeout_seconds}')" ;;
    fail) dltaf_check_result false "$(dltaf_json_array "first error" "second \"error\"")" '' ;;
    bad) dltaf_check_result maybe '[]' '[]' ;;
    silent) : ;;
  esac
}

always_run() { dltaf_check_result true '' ''; }

dltaf_serve
