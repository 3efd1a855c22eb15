# shellcheck shell=bash disable=SC2016 # jq programs are single-quoted on purpose
# dltaf.sh: write dltaf plugins in bash. It speaks protocol v1 (protocol/PROTOCOL.md) for you; a plugin
# registers handler functions and calls dltaf_serve. Reference and limits: docs/sdk/shell.md.
#
#   #!/usr/bin/env bash
#   source "${DLTAF_SHELL_SDK:-$(dirname "$0")/../../../../plugin-sdk/shell/dltaf.sh}"
#   dltaf_plugin port-check 1.0.0 "Probes host:port endpoints"
#   dltaf_check bash_port port_check_run port_check_applies
#   port_check_applies() { [[ -n $(dltaf_config '.endpoints[]?') ]]; }     # exit status = applies
#   port_check_run() { dltaf_check_result true '[]' '[]' '{"latency_ms": 3}'; }
#   dltaf_serve
#
# Requires bash 4 or newer and jq 1.6 or newer. Source it at the top level of the script (not inside a
# function), before the script uses file descriptors 3, 4, 5 and 6 (the SDK's).
#
# How it works
# - stdout belongs to the protocol: sourcing this file moves the real stdout to fd 3 and points fd 1 at
#   stderr, and moves stdin to fd 4 (fd 0 becomes /dev/null). `echo` in a plugin goes to dltaf's log.
# - Requests are served one at a time, in order. Each handler runs in a subshell, in its own process
#   group, with the plugin's `set` options (set -e and friends apply inside handlers). It talks to
#   dltaf_serve through a pipe: dltaf_serve is the only writer of protocol lines, relays the handler's
#   notifications, sends a heartbeat when the handler is silent, and sends the answer when it ends.
# - While a handler runs, dltaf_serve watches stdin. A `cancel` for that request sends SIGTERM to the
#   handler's process group (so `sleep`, `curl`... stop too) and answers -32800; so does the end of input,
#   after giving running and waiting handlers 1 s to finish. Other requests wait their turn. On SIGTERM the
#   plugin stops the running handler the same way and exits 143.
# - Handler state does not survive the call (subshell): keep shared state in files.
# - The data feature (data.v1, PROTOCOL.md §8): a runner's dltaf_data_* functions send a request line to
#   dltaf_serve, which gives it an id and writes it to stdout; the host's answer, read from stdin by
#   dltaf_serve, comes back to the waiting function through a FIFO opened on fd 6. One request at a time.

if [ -z "${BASH_VERSINFO:-}" ] || [ "${BASH_VERSINFO[0]}" -lt 4 ]; then
  echo "dltaf.sh: bash 4 or newer is required (this is ${BASH_VERSION:-not bash})" >&2
  exit 2
fi
if ! command -v jq >/dev/null 2>&1; then
  echo "dltaf.sh: jq is required (https://jqlang.github.io/jq/)" >&2
  exit 2
fi

# Protocol out on fd 3, protocol in on fd 4; plain stdout goes to stderr and plain stdin is empty.
exec 3>&1 1>&2 4<&0 0</dev/null

# Seconds of handler silence after which dltaf_serve sends a `heartbeat` (0 disables). Set it before
# dltaf_serve, or in the plugin's environment.
DLTAF_HEARTBEAT_SECONDS=${DLTAF_HEARTBEAT_SECONDS:-5}
# Whether to negotiate the data feature (data.v1) when the host offers it and the plugin has runners; set
# it to false before dltaf_serve to keep the plugin as it was.
DLTAF_DATA_FEATURE=${DLTAF_DATA_FEATURE:-true}

declare -A _dltaf_runners=() _dltaf_validators=() _dltaf_hooks=() _dltaf_hook_events=()
declare -A _dltaf_checks=() _dltaf_applies=() _dltaf_cancelled=()
_dltaf_info=''
_dltaf_provides='{"runners":[],"hooks":[],"checks":[]}'
_dltaf_initialized=false
_dltaf_eof=false
_dltaf_eof_budget=0
_dltaf_in_handler=false
_dltaf_handler_pgid=''
_dltaf_queue=()
_dltaf_user_opts=''
_dltaf_data=false          # data.v1 negotiated
_dltaf_data_next=0         # the id of the plugin's last request
_dltaf_data_waiting=''     # the id whose answer the running handler waits for
_dltaf_data_method=''      # its method
_dltaf_data_failure=''     # the answer of a run whose data request the host refused
_dltaf_data_on=false       # the running handler may use the data API
_dltaf_data_spool='' _dltaf_data_state=null _dltaf_data_streams='{}'

_dltaf_die() {
  printf 'dltaf.sh: %s\n' "$*" >&2
  exit 2
}

# ---------------------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------------------

# dltaf_plugin NAME VERSION [DESCRIPTION]: the plugin's identity in the initialize answer.
dltaf_plugin() {
  [[ -n ${1:-} && -n ${2:-} ]] || _dltaf_die "usage: dltaf_plugin NAME VERSION [DESCRIPTION]"
  _dltaf_info=$(jq -cn --arg name "$1" --arg version "$2" --arg description "${3:-}" \
    '{name: $name, version: $version} + if $description == "" then {} else {description: $description} end')
}

# dltaf_runner KIND RUN_FN [VALIDATE_FN] [DESCRIPTION]: a runner kind (matched against source.kind).
# Without VALIDATE_FN, runner/validate answers no diagnostics.
dltaf_runner() {
  _dltaf_new_name runner "${1:-}" "${2:-}" "${_dltaf_runners[${1:-_}]:-}"
  _dltaf_runners[$1]=$2
  _dltaf_validators[$1]=${3:-}
  _dltaf_provide runners kind "$1" "${4:-}"
}

# dltaf_hook NAME FN [EVENTS] [DESCRIPTION]: a hook for the space-separated EVENTS among pre_run, post_run
# and on_error (default: all three). The handler finds the event in $DLTAF_CALL_EVENT.
dltaf_hook() {
  _dltaf_new_name hook "${1:-}" "${2:-}" "${_dltaf_hooks[${1:-_}]:-}"
  local events=${3:-pre_run post_run on_error} event
  [[ -n ${events// /} ]] || _dltaf_die "dltaf_hook $1: EVENTS is empty"
  for event in $events; do
    case $event in pre_run | post_run | on_error) ;; *) _dltaf_die "dltaf_hook $1: unknown event '$event'" ;; esac
  done
  _dltaf_hooks[$1]=$2
  _dltaf_hook_events[$1]=" $events "
  # shellcheck disable=SC2086 # one argument per event
  _dltaf_provide hooks name "$1" "${4:-}" $events
}

# dltaf_check NAME RUN_FN [APPLIES_FN] [DESCRIPTION]: an infra check. Without APPLIES_FN it always applies.
dltaf_check() {
  _dltaf_new_name check "${1:-}" "${2:-}" "${_dltaf_checks[${1:-_}]:-}"
  _dltaf_checks[$1]=$2
  _dltaf_applies[$1]=${3:-}
  _dltaf_provide checks name "$1" "${4:-}"
}

_dltaf_new_name() { # WHAT NAME FN EXISTING
  [[ $2 =~ ^[A-Za-z0-9_.-]+$ ]] || _dltaf_die "dltaf_$1: names must match [A-Za-z0-9_.-]+, got '$2'"
  [[ -n $3 ]] || _dltaf_die "dltaf_$1 $2: the handler function name is missing"
  [[ -z $4 ]] || _dltaf_die "dltaf_$1: '$2' is registered twice"
}

_dltaf_provide() { # SECTION KEY NAME DESCRIPTION [EVENTS...]: appends an entry to `provides`
  local section=$1 key=$2 name=$3 description=$4
  shift 4
  _dltaf_provides=$(jq -c --arg s "$section" --arg k "$key" --arg n "$name" --arg d "$description" '
    .[$s] += [{($k): $n}
      + (if $ARGS.positional == [] then {} else {events: $ARGS.positional} end)
      + (if $d == "" then {} else {description: $d} end)]' --args "$@" <<<"$_dltaf_provides")
}

# ---------------------------------------------------------------------------------------------------------
# Reading the current request (inside handlers)
# ---------------------------------------------------------------------------------------------------------
# Set for each handler: DLTAF_CALL_METHOD (runner/run, hook/pre_run, ...), DLTAF_CALL_NAME (the runner
# kind, hook or check name), DLTAF_CALL_EVENT (pre_run, post_run or on_error for hooks), DLTAF_CALL_ID (the
# request id as JSON) and DLTAF_CALL_PARAMS (the params as compact JSON).
#
# dltaf_param FILTER [JQ_ARGS...] runs the jq FILTER on the params and prints each result: strings raw,
# other values as compact JSON, null as nothing. dltaf_config, dltaf_manifest and dltaf_context do the
# same on params.config, params.manifest and params.context. Extra arguments go to jq (--arg name value).
#   path=$(dltaf_config '.path')          endpoints=$(dltaf_config '.endpoints[]?')
#   dir=$(dltaf_context '.manifest_dir')  token=$(dltaf_param '.env.API_TOKEN')   # never log secrets

dltaf_param() { _dltaf_query '.' "$@"; }
dltaf_config() { _dltaf_query '.config // {}' "$@"; }
dltaf_manifest() { _dltaf_query '.manifest // {}' "$@"; }
dltaf_context() { _dltaf_query '.context // {}' "$@"; }

_dltaf_query() { # BASE FILTER [JQ_ARGS...]
  jq -rc "${@:3}" "($1) | (${2:-.}) | values" <<<"${DLTAF_CALL_PARAMS:-"{}"}"
}

# dltaf_abspath PATH: PATH made absolute against the manifest's folder (context.manifest_dir).
dltaf_abspath() {
  if [[ ${1:-} == /* ]]; then
    printf '%s\n' "$1"
  else
    local dir
    dir=$(dltaf_context '.manifest_dir')
    printf '%s/%s\n' "${dir:-.}" "${1:-}"
  fi
}

# dltaf_json_array [STRING...]: prints its arguments as a JSON array of strings.
dltaf_json_array() { jq -cn '$ARGS.positional' --args "$@"; }

# ---------------------------------------------------------------------------------------------------------
# Notifications (inside handlers; each one is tagged with the request's id)
# ---------------------------------------------------------------------------------------------------------

# dltaf_log LEVEL MESSAGE [FIELDS_JSON]: LEVEL is debug, info, warning or error.
dltaf_log() {
  case ${1:-} in
    debug | info | warning | error) ;;
    *) echo "dltaf_log: the level must be debug, info, warning or error, not '${1:-}'" >&2 && return 2 ;;
  esac
  _dltaf_notify log '{level: $level, message: $message} + if $fields == null then {} else {fields: $fields} end' \
    --arg level "$1" --arg message "${2:-}" --argjson fields "${3:-null}"
}

# dltaf_progress CURRENT [TOTAL] [UNIT] [MESSAGE]: empty arguments are left out. Resets the idle timer.
dltaf_progress() {
  _dltaf_notify progress 'def num: if . == "" then null else tonumber end;
    {current: ($c | num), total: ($t | num), unit: $u, message: $m} | with_entries(select(.value != null and .value != ""))' \
    --arg c "${1:-}" --arg t "${2:-}" --arg u "${3:-}" --arg m "${4:-}"
}

# dltaf_state JSON: a checkpoint; dltaf keeps the last one and puts it in the run's result.
dltaf_state() { _dltaf_notify state '{state: $state}' --argjson state "${1:-null}"; }

# dltaf_heartbeat: tells dltaf the handler is alive (the SDK also sends them when a handler is silent).
dltaf_heartbeat() { _dltaf_notify heartbeat '{}'; }

_dltaf_notify() { # METHOD PARAMS_PROGRAM [JQ_ARGS...]
  local method=$1 program=$2 message
  shift 2
  if [[ $_dltaf_in_handler != true ]]; then # no request to tag it with: text on stderr
    message=$(jq -cn "$@" "$program") || return 1
    printf 'dltaf.sh: %s outside a handler: %s\n' "$method" "$message" >&2
    return 0
  fi
  message=$(jq -cn --arg method "$method" --argjson request_id "$DLTAF_CALL_ID" "$@" \
    "{jsonrpc: \"2.0\", method: \$method, params: (($program) + {request_id: \$request_id})}") || return 1
  printf 'n %s\n' "$message" >&3
}

# ---------------------------------------------------------------------------------------------------------
# The data feature (data.v1, PROTOCOL.md §8): a runner hands its rows to dltaf (inside runner/run handlers)
# ---------------------------------------------------------------------------------------------------------
# Each request function waits for the host's answer: it returns 0 and sets DLTAF_DATA_RESULT (the result as
# JSON), or prints the host's message on stderr, sets DLTAF_DATA_ERROR ({code, message, data} with
# data.category, data.code and data.retryable) and returns 1. A run whose request failed is failed by the
# host; a handler that then exits without answering (set -e, `exit 1`) is answered with that error's
# category and code. Without the feature (an older dltaf) they return 2 with a message: check
# dltaf_data_enabled first to load another way. Call them one at a time (not from background jobs).
#
#   dltaf_data_open orders id
#   file=$(dltaf_data_spool_file .csv)
#   printf 'id,amount\n1,2.50\n' >"$file"
#   dltaf_data_write_file orders "$file" csv
#   dltaf_data_checkpoint '{"cursor": 1}'

# dltaf_data_enabled: succeeds in a runner/run call whose host offered data.v1.
dltaf_data_enabled() { [[ ${_dltaf_data_on:-false} == true ]]; }

# dltaf_data_spool_file [SUFFIX]: creates a new empty file (mode 0600) in the run's spool folder and prints
# its path; fill it, then hand it over with dltaf_data_write_file (the host deletes it once loaded).
dltaf_data_spool_file() {
  _dltaf_data_check dltaf_data_spool_file || return
  mktemp --suffix="${1:-}" "$_dltaf_data_spool/fXXXXXXXX" 2>/dev/null || mktemp "$_dltaf_data_spool/fXXXXXXXX"
}

# dltaf_data_state [STREAM]: prints the committed pipeline state (or STREAM's state) as JSON, `null` when
# there is none: the state at the start of the run, or the one this shell last checkpointed.
dltaf_data_state() {
  _dltaf_data_check dltaf_data_state || return
  if (($#)); then
    jq -c --arg s "$1" '.[$s]' <<<"$_dltaf_data_streams"
  else
    printf '%s\n' "$_dltaf_data_state"
  fi
}

# dltaf_data_open STREAM [PRIMARY_KEY] [OPTIONS_JSON]: declares a stream, once per run, before its first
# write. PRIMARY_KEY is column names separated by commas or spaces; OPTIONS_JSON may add table, columns ([{name, type}]) and write_disposition (append, replace,
# merge). The answer {stream, table, state} is in DLTAF_DATA_RESULT.
dltaf_data_open() {
  local request
  _dltaf_data_check dltaf_data_open || return
  request=$(jq -cn --arg s "${1:-}" --arg pk "${2:-}" --argjson o "${3:-"{}"}" '
    if $s == "" then error("STREAM is required")
    elif ($o | type) != "object" then error("OPTIONS_JSON must be a JSON object")
    else {method: "data/open", params: ({stream: $s}
      + (if $pk == "" then {} else {primary_key: [$pk | splits("[, ]+") | select(. != "")]} end) + $o)} end') ||
    return 2
  _dltaf_data_request "$request" || return
  _dltaf_data_streams=$(jq -c --arg s "$1" --argjson r "$DLTAF_DATA_RESULT" '.[$s] = $r.state' <<<"$_dltaf_data_streams")
}

# dltaf_data_write_file STREAM PATH [FORMAT]: hands over a file directly inside the spool folder (see
# dltaf_data_spool_file). FORMAT is csv (the default: RFC 4180, a header line, an empty unquoted field is
# NULL) or ndjson (one JSON object per line). The answer {rows} is in DLTAF_DATA_RESULT.
dltaf_data_write_file() {
  local stream=${1:-} file=${2:-} format=${3:-csv} request
  _dltaf_data_check dltaf_data_write_file || return
  case $format in csv | ndjson) ;; *) echo "dltaf_data_write_file: FORMAT must be csv or ndjson, not '$format'" >&2 && return 2 ;; esac
  [[ $file == /* ]] || file=$PWD/$file
  if [[ ${file%/*} != "$_dltaf_data_spool" || ! -f $file ]]; then
    echo "dltaf_data_write_file: '$file' is not a file directly inside the spool folder $_dltaf_data_spool (use dltaf_data_spool_file)" >&2
    return 2
  fi
  request=$(jq -cn --arg s "$stream" --arg p "$file" --arg f "$format" \
    'if $s == "" then error("STREAM is required") else {method: "data/write", params: {stream: $s, file: {path: $p, format: $f}}} end') || return 2
  _dltaf_data_request "$request"
}

# dltaf_data_write_rows STREAM COLUMNS_JSON < ROWS: a small batch inline (in the request line): stdin holds
# one JSON array of values per row, in COLUMNS_JSON order (a JSON array of names). Keep it under
# limits.max_line_bytes; anything bulk goes in a file (dltaf_data_write_file).
dltaf_data_write_rows() {
  local request
  _dltaf_data_check dltaf_data_write_rows || return
  request=$(jq -cs --arg s "${1:-}" --argjson c "${2:-null}" '
    if $s == "" then error("STREAM is required")
    elif ($c | type) != "array" then error("COLUMNS_JSON must be a JSON array of names")
    elif any(.[]; type != "array") then error("each row must be a JSON array")
    else {method: "data/write", params: {stream: $s, rows: {columns: $c, values: .}}} end') || return 2
  _dltaf_data_request "$request"
}

# dltaf_data_checkpoint [STATE_JSON] [STREAMS_JSON]: commits everything written so far in one destination
# transaction with the new pipeline state (empty: keep the last one) and {stream: state} for the streams
# it names. Returns once durable, with {load_id, checkpoint, rows} in DLTAF_DATA_RESULT: only then advance
# external offsets. Rows written after the last checkpoint are committed when the run succeeds.
dltaf_data_checkpoint() {
  local request
  _dltaf_data_check dltaf_data_checkpoint || return
  request=$(jq -cn --argjson st "${1:-null}" --argjson ss "${2:-null}" '
    if $ss != null and ($ss | type) != "object" then error("STREAMS_JSON must be a JSON object")
    else {method: "data/checkpoint", params: ((if $st == null then {} else {state: $st} end)
      + (if $ss == null then {} else {streams: $ss} end))} end') || return 2
  _dltaf_data_request "$request" || return
  if [[ -n ${1:-} && $1 != null ]]; then _dltaf_data_state=$(jq -c . <<<"$1"); fi
  if [[ -n ${2:-} && $2 != null ]]; then _dltaf_data_streams=$(jq -c --argjson ss "$2" '. + $ss' <<<"$_dltaf_data_streams"); fi
  return 0
}

_dltaf_data_check() { # FUNCTION: fails (2) with a message when the data API cannot be used here
  if [[ $_dltaf_in_handler != true || $DLTAF_CALL_METHOD != runner/run ]]; then
    echo "$1: the data API serves runner/run handlers only" >&2
  elif [[ $_dltaf_data != true ]]; then
    echo "$1: the host does not support the data feature (data.v1); check dltaf_data_enabled and load another way, or upgrade dltaf" >&2
  elif [[ $_dltaf_data_on != true ]]; then
    echo "$1: the host negotiated data.v1 but sent no data params with runner/run" >&2
  else
    return 0
  fi
  return 2
}

_dltaf_data_request() { # REQUEST_JSON ({method, params}): sends it through dltaf_serve and waits for the answer
  local reply ok=false result=null error=null message=''
  DLTAF_DATA_RESULT='' DLTAF_DATA_ERROR=''
  printf 'r %s\n' "$1" >&3
  if ! IFS= read -r -u 6 reply; then
    echo "dltaf.sh: no answer to $(jq -r .method <<<"$1")" >&2
    return 1
  fi
  eval "$(jq -r '@sh "ok=\(has("error") | not) result=\(.result | tojson) error=\(.error | tojson) message=\(.error.message // "" | tostring)"' <<<"$reply")"
  if [[ $ok == true ]]; then
    DLTAF_DATA_RESULT=$result
    return 0
  fi
  DLTAF_DATA_ERROR=$error
  echo "dltaf.sh: $(jq -r .method <<<"$1"): $message" >&2
  return 1
}

# ---------------------------------------------------------------------------------------------------------
# Answers (inside handlers). The first answer counts; dltaf_fail also ends the handler.
# A handler that ends without answering gets a default answer: hook -> ok; check/run -> ok false with the
# error "handler did not answer"; runner/validate -> no diagnostics; runner/run -> error -32000;
# check/applies -> its exit status (0 = applies). A handler that exits non-zero without answering (set -e,
# `exit 1`) gets error -32000 (check/applies excepted).
# ---------------------------------------------------------------------------------------------------------

# dltaf_result JSON: the raw result, whatever the method.
dltaf_result() { _dltaf_answer '*' '{result: $r}' --argjson r "${1:-}"; }

# dltaf_check_result OK ERRORS_JSON WARNINGS_JSON [DETAILS_JSON]: OK is true or false; ERRORS and WARNINGS
# are JSON arrays of strings ('' means []), DETAILS an object.
dltaf_check_result() {
  _dltaf_answer check/run '
    if ($ok | type) != "boolean" then error("OK must be true or false")
    elif any($e, $w; type != "array" or any(.[]; type != "string")) then error("ERRORS and WARNINGS must be JSON arrays of strings")
    elif ($d | type) != "object" then error("DETAILS must be a JSON object")
    else {result: {ok: $ok, errors: $e, warnings: $w, details: $d}} end' \
    --argjson ok "${1:-}" --argjson e "${2:-[]}" --argjson w "${3:-[]}" --argjson d "${4:-"{}"}"
}

# dltaf_applies true|false [REASON]: the answer of a check's applies handler.
dltaf_applies() {
  _dltaf_answer check/applies '
    if ($a | type) != "boolean" then error("dltaf_applies takes true or false")
    else {result: ({applies: $a} + if $r == "" then {} else {reason: $r} end)} end' \
    --argjson a "${1:-}" --arg r "${2:-}"
}

# dltaf_hook_ok [MESSAGE] and dltaf_hook_veto MESSAGE: a hook's answer. A veto in pre_run stops the run;
# in post_run and on_error it becomes a warning.
dltaf_hook_ok() { _dltaf_answer 'hook/*' '{result: ({ok: true} + if $m == "" then {} else {message: $m} end)}' --arg m "${1:-}"; }
dltaf_hook_veto() { _dltaf_answer 'hook/*' '{result: {ok: false, message: $m}}' --arg m "${1:-vetoed}"; }

# dltaf_run_result STATUS [MESSAGE] [METRICS_JSON] [EXTRA_JSON]: a run outcome. STATUS is success,
# partial_success or failed; METRICS_JSON becomes load_metrics; EXTRA_JSON (warnings, table_stats,
# payload...) is merged in.
dltaf_run_result() {
  _dltaf_answer runner/run '
    if ($s | IN("success", "partial_success", "failed") | not) then error("STATUS must be success, partial_success or failed")
    elif ($lm | type) != "object" and $lm != null then error("METRICS_JSON must be a JSON object")
    elif ($x | type) != "object" then error("EXTRA_JSON must be a JSON object")
    else {result: ({status: $s} + (if $m == "" then {} else {message: $m} end)
      + (if $lm == null then {} else {load_metrics: $lm} end) + $x)} end' \
    --arg s "${1:-}" --arg m "${2:-}" --argjson lm "${3:-null}" --argjson x "${4:-"{}"}"
}

# dltaf_diagnostic SEVERITY MESSAGE [PATH] [CODE]: prints one diagnostic (collect them with $(...)).
# SEVERITY is error, warning or info; PATH a JSON Pointer into the manifest such as /source/path.
dltaf_diagnostic() {
  jq -cn --arg s "${1:-}" --arg m "${2:-}" --arg p "${3:-}" --arg c "${4:-}" '
    if ($s | IN("error", "warning", "info") | not) then error("SEVERITY must be error, warning or info")
    elif $p != "" and ($p | startswith("/") | not) then error("PATH must be a JSON Pointer such as /source/path")
    else {severity: $s, message: $m} + (if $c == "" then {} else {code: $c} end)
      + (if $p == "" then {} else {path: $p} end) end'
}

# dltaf_diagnostics [DIAGNOSTICS]: runner/validate's answer. DIAGNOSTICS is a JSON array or diagnostics
# one per line (as printed by dltaf_diagnostic); nothing means no diagnostics (valid).
dltaf_diagnostics() {
  local list
  list=$(jq -cs 'if length == 1 and (.[0] | type) == "array" then .[0] else . end' <<<"$*" 2>&1) || list="invalid: $list"
  _dltaf_answer runner/validate '
    if ($l | type) != "array" or any($l[]; type != "object" or (.severity | IN("error", "warning", "info") | not)
      or (.message | type) != "string" or (.path != null and (.path | tostring | startswith("/") | not)))
    then error("each diagnostic needs a severity (error, warning or info), a message and maybe a path starting with /")
    else {result: {diagnostics: $l}} end' --argjson l "$list"
}

# dltaf_fail MESSAGE [CATEGORY] [CODE] [RETRYABLE]: the call could not be served: error -32000 with
# data {category, code, retryable}, and the handler ends (`exit 1`). CATEGORY is one of CONFIG, SECRETS,
# AUTH, CONNECTIVITY, HTTP, TIMEOUT, DATA, POLICY, DEPENDENCY, UNKNOWN (the default); RETRYABLE is true
# or false (default). Domain outcomes are answers, not failures: a failed check is
# `dltaf_check_result false ...`, a failed load `dltaf_run_result failed ...`.
dltaf_fail() {
  local category=${2:-UNKNOWN}
  case $category in
    CONFIG | SECRETS | AUTH | CONNECTIVITY | HTTP | TIMEOUT | DATA | POLICY | DEPENDENCY | UNKNOWN) ;;
    *) echo "dltaf_fail: unknown category '$category', using UNKNOWN" >&2 && category=UNKNOWN ;;
  esac
  _dltaf_answer '*' '{error: {code: -32000, message: $m, data: {category: $c, code: (if $code == "" then null else $code end), retryable: ($r == "true")}}}' \
    --arg m "${1:-the handler failed}" --arg c "$category" --arg code "${3:-}" --arg r "${4:-false}"
  if [[ $_dltaf_in_handler == true ]]; then exit 1; fi
  return 1
}

_dltaf_answer() { # METHOD_PATTERN PROGRAM [JQ_ARGS...]: PROGRAM builds {"result": ...} or {"error": ...}
  local pattern=$1 program=$2 answer
  shift 2
  if [[ $_dltaf_in_handler != true ]]; then
    echo "dltaf.sh: answers are given inside handlers only" >&2
    return 2
  fi
  # shellcheck disable=SC2053 # the pattern is a glob on purpose
  if [[ $DLTAF_CALL_METHOD != $pattern ]]; then
    answer="it answers $pattern, not $DLTAF_CALL_METHOD"
  elif answer=$(jq -cn "$@" "$program" 2>&1); then
    printf 'a %s\n' "$answer" >&3
    return 0
  fi
  answer=${answer%%$'\n'*} # the first line of jq's complaint
  answer="${FUNCNAME[1]}: ${answer#jq: error (at <unknown>): }"
  echo "dltaf.sh: $answer" >&2
  printf 'a %s\n' "$(jq -cn --arg m "internal error: $answer" '{error: {code: -32603, message: $m}}')" >&3
  return 1
}

# ---------------------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------------------

# dltaf_serve: serves requests from stdin until it closes, then exits 0. Call it last.
dltaf_serve() {
  # The plugin's set -e, -u, -x and pipefail apply inside handlers; the server runs without them.
  _dltaf_user_opts=${-//[^eux]/}
  if shopt -qo pipefail; then _dltaf_user_opts+=p; fi
  set +e +u +o pipefail
  [[ -n $_dltaf_info ]] || _dltaf_die "call dltaf_plugin NAME VERSION before dltaf_serve"
  local fn
  for fn in "${_dltaf_runners[@]}" "${_dltaf_validators[@]}" "${_dltaf_hooks[@]}" "${_dltaf_checks[@]}" "${_dltaf_applies[@]}"; do
    [[ -z $fn ]] || declare -F "$fn" >/dev/null || _dltaf_die "the handler function '$fn' is not defined"
  done
  [[ $DLTAF_HEARTBEAT_SECONDS =~ ^([0-9]*)(\.([0-9]))?[0-9]*$ ]] || _dltaf_die "DLTAF_HEARTBEAT_SECONDS is not a number"
  _dltaf_heartbeat_ticks=$((10#${BASH_REMATCH[1]:-0} * 10 + ${BASH_REMATCH[3]:-0})) # in 0.1 s polls
  trap '_dltaf_stop_handler; exit 143' TERM
  if [[ -z ${DLTAF_PLUGIN:-} && -t 4 ]]; then
    echo "This is a dltaf plugin: it speaks JSON-RPC on stdin/stdout (see protocol/PROTOCOL.md). Ctrl-D ends it." >&2
  fi
  while _dltaf_next; do
    _dltaf_handle "$_dltaf_line"
  done
  exit 0
}

_dltaf_next() { # sets _dltaf_line to the next line: waiting ones first, then stdin; fails at end of input
  if ((${#_dltaf_queue[@]})); then
    _dltaf_line=${_dltaf_queue[0]}
    _dltaf_queue=("${_dltaf_queue[@]:1}")
    return 0
  fi
  [[ $_dltaf_eof != true ]] || return 1
  IFS= read -r -u 4 _dltaf_line && return 0
  _dltaf_at_eof
  [[ -n $_dltaf_line ]] # a last line without its newline still counts
}

# End of input: the host ends the session. Handlers still running or waiting share a budget of 1 s (10
# polls); then the running one gets SIGTERM and the others -32800 without running.
_dltaf_at_eof() {
  _dltaf_eof=true
  _dltaf_eof_budget=10
  if [[ -n $_dltaf_data_waiting ]]; then # no answer will come: the waiting handler learns it now
    _dltaf_data_answered "{\"jsonrpc\":\"2.0\",\"id\":$_dltaf_data_waiting,\"error\":{\"code\":-32800,\"message\":\"request cancelled: stdin closed\"}}"
  fi
}

# One jq call sorts a line out and sets _v (the verdict), _id (JSON), _method, _name (the params' kind,
# hook or check, as the method calls for), _params (JSON) and _cid (a cancel's id, JSON). @sh quotes every
# value for eval.
_DLTAF_CLASSIFY='
  (if length == 1 and (.[0] | type) == "object" then .[0] else {} end) as $m
  | (($m.method | strings) // "") as $method
  | (($m.params | objects) // {}) as $params
  | ({runner: "kind", hook: "hook", check: "check"}[($method | split("/"))[0] // ""] // "") as $field
  | (if length != 1 then "parse"
     elif (.[0] | type) != "object" then "invalid"
     elif ($m | has("id") | not) then (if $method == "cancel" then "cancel" else "notification" end)
     elif ($m.id | type | IN("number", "string", "null") | not) then "bad_id"
     elif ($m.method | type) != "string" then (if $m | has("result") or has("error") then "response" else "no_method" end)
     elif $m.params != null and ($m.params | type) != "object" then "bad_params"
     else "request" end) as $verdict
  | @sh "_v=\($verdict) _id=\($m.id | tojson) _method=\($method)",
    @sh "_name=\(if $field == "" then "" else ($params[$field] | strings) // "" end)",
    @sh "_params=\($params | tojson) _cid=\($params.id | tojson)"'

_dltaf_classify() { # LINE
  local code
  _v=parse _id=null _method='' _name='' _params='{}' _cid=null
  code=$(jq -rs "$_DLTAF_CLASSIFY" <<<"$1" 2>/dev/null) && eval "$code"
}

_dltaf_handle() { # LINE
  local line=${1%$'\r'}
  [[ $line == *[![:space:]]* ]] || return 0
  _dltaf_classify "$line"
  case $_v in
    parse) _dltaf_send_error null -32700 "parse error: the line is not JSON" ;;
    invalid) _dltaf_send_error null -32600 "invalid request: a message must be a JSON object" ;;
    bad_id) _dltaf_send_error null -32600 "invalid request: id must be an integer" ;;
    no_method) _dltaf_send_error "$_id" -32600 "invalid request: method must be a string" ;;
    bad_params) _dltaf_send_error "$_id" -32602 "invalid params: params must be an object" ;;
    cancel) _dltaf_remember_cancel "$_cid" ;;
    request) _dltaf_route ;;
  esac # other notifications, and responses, need no answer
}

_dltaf_remember_cancel() { # ID_JSON: a request cancelled before it starts is answered -32800 at its turn
  if [[ $1 =~ ^(-?[0-9]+|\"[A-Za-z0-9_.:-]*\")$ ]]; then _dltaf_cancelled[$1]=1; fi
}

_dltaf_route() {
  local id=$_id method=$_method name=$_name fn=''
  if [[ $method == initialize ]]; then
    _dltaf_initialize "$id" "$_params"
    return
  fi
  if [[ $_dltaf_initialized != true ]]; then
    _dltaf_send_error "$id" -32001 "not initialized: $method arrived before initialize"
    return
  fi
  case $method in
    shutdown) _dltaf_send_answer "$id" '{"result":{}}' && return ;;
    runner/run | runner/validate | hook/pre_run | hook/post_run | hook/on_error | check/run | check/applies) ;;
    *) _dltaf_send_error "$id" -32601 "method not found: $method" && return ;;
  esac
  if [[ -n ${_dltaf_cancelled[$id]:-} ]]; then
    _dltaf_send_error "$id" -32800 "request cancelled before it started"
    return
  fi
  if [[ $_dltaf_eof == true ]] && ((_dltaf_eof_budget <= 0)); then
    _dltaf_send_error "$id" -32800 "request cancelled: stdin closed"
    return
  fi
  [[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || name='' # only registered names are looked up
  case $method in
    runner/*)
      [[ -n $name && -n ${_dltaf_runners[$name]:-} ]] || { _dltaf_unknown "$id" "runner kind" kind "$_name" "${!_dltaf_runners[@]}" && return; }
      if [[ $method == runner/run ]]; then fn=${_dltaf_runners[$name]}; else fn=${_dltaf_validators[$name]:--}; fi
      ;;
    hook/*)
      [[ -n $name && -n ${_dltaf_hooks[$name]:-} ]] || { _dltaf_unknown "$id" hook hook "$_name" "${!_dltaf_hooks[@]}" && return; }
      if [[ ${_dltaf_hook_events[$name]} != *" ${method#hook/} "* ]]; then
        _dltaf_send_error "$id" -32602 "invalid params: hook '$name' does not handle '${method#hook/}'"
        return
      fi
      fn=${_dltaf_hooks[$name]}
      ;;
    check/*)
      [[ -n $name && -n ${_dltaf_checks[$name]:-} ]] || { _dltaf_unknown "$id" check check "$_name" "${!_dltaf_checks[@]}" && return; }
      if [[ $method == check/run ]]; then fn=${_dltaf_checks[$name]}; else fn=${_dltaf_applies[$name]:--}; fi
      ;;
  esac
  if [[ $fn == - ]]; then # no validator or applies handler registered
    _dltaf_send_answer "$id" "$(_dltaf_default_answer "$method" 0)"
  else
    _dltaf_call "$id" "$method" "$name" "$fn"
  fi
}

_dltaf_unknown() { # ID WHAT FIELD NAME KNOWN...: -32602 for a name this plugin does not have
  local id=$1 what=$2 field=$3 name=$4 known
  shift 4
  known=$(printf '%s\n' "$@" | sort | paste -sd, - | sed 's/,/, /g')
  if [[ -z $name ]]; then
    _dltaf_send_error "$id" -32602 "invalid params: '$field' must be the name of a $what (this plugin has: ${known:-none})"
  else
    _dltaf_send_error "$id" -32602 "invalid params: unknown $what '$name' (this plugin has: ${known:-none})"
  fi
}

_dltaf_initialize() { # ID PARAMS
  local offered
  if [[ $_dltaf_initialized == true ]]; then
    _dltaf_send_error "$1" -32600 "invalid request: already initialized"
    return
  fi
  offered=$(jq -r '.protocol_versions | if type != "array" then "invalid" elif any(.[]; . == 1) then "ok" else tojson end' <<<"$2")
  case $offered in
    invalid) _dltaf_send_error "$1" -32602 "invalid params: protocol_versions must be a list of integers" ;;
    ok)
      if [[ $DLTAF_DATA_FEATURE == true ]] && ((${#_dltaf_runners[@]})) &&
        [[ $(jq -r '.features | arrays | any(. == "data.v1")' <<<"$2") == true ]] && _dltaf_data_fifo; then
        _dltaf_data=true
      fi
      _dltaf_send_answer "$1" "$(jq -cn --argjson plugin "$_dltaf_info" --argjson provides "$_dltaf_provides" --arg data "$_dltaf_data" \
        '{result: {protocol_version: 1, plugin: $plugin, provides: $provides, features: (if $data == "true" then ["data.v1"] else [] end)}}')"
      _dltaf_initialized=true
      ;;
    *) _dltaf_send_error "$1" -32002 "unsupported protocol version: host offers $offered, plugin speaks [1]" '{"supported":[1]}' ;;
  esac
}

# _dltaf_data_fifo: opens fd 6 on a FIFO (read-write, so opening never blocks; the name is removed at once)
# through which dltaf_serve hands the host's answers to data requests to the waiting handler.
_dltaf_data_fifo() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/dltaf-sh.XXXXXX") || return 1
  mkfifo "$dir/answers" && exec 6<>"$dir/answers"
  local rc=$?
  rm -rf "$dir"
  return $rc
}

# _dltaf_data_send REQUEST_JSON: a handler's data request ({method, params}) goes to the host with an id.
_dltaf_data_send() {
  local id=$((++_dltaf_data_next)) method
  method=$(jq -r '.method' <<<"$1")
  if [[ $_dltaf_eof == true ]]; then
    printf '{"jsonrpc":"2.0","id":%s,"error":{"code":-32800,"message":"request cancelled: stdin closed"}}\n' "$id" >&6
    return
  fi
  _dltaf_data_waiting=$id _dltaf_data_method=$method
  jq -c --argjson id "$id" '{jsonrpc: "2.0", id: $id, method: .method, params: .params}' <<<"$1" >&3
}

# _dltaf_data_answered LINE: the host's answer to the waiting request goes to the handler; a refusal is
# remembered as the run's answer should the handler end without one.
_dltaf_data_answered() {
  local failure
  _dltaf_data_waiting=''
  if [[ -z $_dltaf_data_failure ]]; then
    failure=$(jq -c --arg m "$_dltaf_data_method" 'select(has("error")) | .error
      | if .code == -32800 then {error: {code: -32800, message: .message}}
        else {error: {code: -32000, message: "\($m): \(.message)", data: {category: (.data.category // "DATA"),
          code: (.data.code // null), retryable: (.data.retryable == true)}}} end' <<<"$1" 2>/dev/null)
    _dltaf_data_failure=$failure
  fi
  printf '%s\n' "$1" >&6
}

# _dltaf_call ID METHOD NAME FN: runs the handler FN and relays what it says until it ends. The handler's
# lines on fd 5 are `p PGID`, `n NOTIFICATION`, `r DATA_REQUEST`, `a ANSWER` and `x STATUS`. Time is
# counted in 0.1 s polls of silence (0.02 s ones while the handler waits for a data answer). A `cancel` for this request, or the end of the end-of-input budget, sends SIGTERM to the
# handler's process group; 0.5 s later the SDK stops waiting for it and answers -32800.
_dltaf_call() {
  local id=$1 method=$2 fn=$4 line='' part='' answer='' status='' reason='' rc
  local idle=0 tick=0 give_up_at=-1 sub=0 poll
  local event=''
  if [[ $method == hook/* ]]; then event=${method#hook/}; fi
  # shellcheck disable=SC2034 # read by the handlers
  DLTAF_CALL_ID=$id DLTAF_CALL_METHOD=$method DLTAF_CALL_NAME=$3 DLTAF_CALL_PARAMS=$_params DLTAF_CALL_EVENT=$event
  _dltaf_data_prepare "$method"
  while :; do
    poll=0.1
    if [[ -n $_dltaf_data_waiting ]]; then poll=0.02; fi
    IFS= read -r -t "$poll" -u 5 part
    rc=$?
    line+=$part
    if ((rc == 0)); then
      idle=0
      case $line in
        'p '*) _dltaf_handler_pgid=${line#p } ;;
        'n '*) printf '%s\n' "${line#n }" >&3 ;;
        'r '*) _dltaf_data_send "${line#r }" ;;
        'a '*) if [[ -z $answer ]]; then answer=${line#a }; else echo "dltaf.sh: $fn answered twice; the first answer counts" >&2; fi ;;
        'x '*) status=${line#x } && break ;;
      esac
      line=''
    elif ((rc > 128)); then # silence: a poll, or a fifth of one while a data answer is awaited
      if [[ -z $_dltaf_data_waiting ]] || ((++sub >= 5)); then
        sub=0
        ((++tick))
        if ((_dltaf_heartbeat_ticks > 0 && ++idle >= _dltaf_heartbeat_ticks)); then
          idle=0
          printf '{"jsonrpc":"2.0","method":"heartbeat","params":{"request_id":%s}}\n' "$id" >&3
        fi
        if [[ $_dltaf_eof == true ]] && ((--_dltaf_eof_budget == 0)) && [[ -z $reason ]]; then reason="stdin closed"; fi
      fi
    else
      break # the handler's output ended without a status: it was killed
    fi
    if [[ -z $reason ]] && _dltaf_watch_input "$id"; then reason=$_dltaf_cancel_reason; fi
    if [[ -n $reason ]] && ((give_up_at < 0)); then
      _dltaf_stop_handler
      give_up_at=$((tick + 5))
    fi
    if ((give_up_at >= 0 && tick >= give_up_at)); then break; fi
  done 5< <(_dltaf_invoke "$fn" 3>&1 1>&2 4<&-)
  _dltaf_handler_pgid=''
  _dltaf_data_waiting='' # an answer arriving after the handler ended is dropped
  if [[ -z $answer && -n $reason ]]; then answer=$(_dltaf_error_answer -32800 "request cancelled: $reason"); fi
  [[ -n $answer ]] || answer=$_dltaf_data_failure
  [[ -n $answer ]] || answer=$(_dltaf_default_answer "$method" "${status:-killed}" "$fn")
  _dltaf_send_answer "$id" "$answer"
}

# _dltaf_data_prepare METHOD: the data state a runner/run handler starts with (read by the dltaf_data_*
# functions); answers left on fd 6 by an earlier handler are dropped.
_dltaf_data_prepare() {
  local data=''
  _dltaf_data_on=false _dltaf_data_failure='' _dltaf_data_waiting=''
  [[ $_dltaf_data == true && $1 == runner/run ]] || return 0
  while read -r -t 0 -u 6; do read -r -u 6 data; done
  data=$(jq -r '.data | objects | @sh "_dltaf_data_spool=\(.spool_dir // "" | tostring) _dltaf_data_state=\(.state | tojson) _dltaf_data_streams=\(.streams | objects // {} | tojson)"' <<<"$_params")
  if [[ -n $data ]]; then
    eval "$data"
    _dltaf_data_on=true
  fi
}

# _dltaf_invoke FN: runs in a process substitution whose fd 3 is the pipe read by _dltaf_call.
_dltaf_invoke() {
  set -m # job control: the handler gets its own process group, so stopping it stops its children too
  (
    printf 'p %s\n' "$BASHPID" >&3
    if [[ $_dltaf_user_opts == *[eux]* ]]; then set "-${_dltaf_user_opts//p/}"; fi
    if [[ $_dltaf_user_opts == *p* ]]; then set -o pipefail; fi
    _dltaf_in_handler=true
    "$1"
  ) &
  wait "$!" 2>/dev/null
  printf 'x %s\n' "$?" >&3
}

# _dltaf_watch_input ID: reads the lines already waiting on stdin while a handler runs. Succeeds, with
# _dltaf_cancel_reason set, when the host cancels request ID; other lines wait in _dltaf_queue.
_dltaf_watch_input() {
  local line
  while [[ $_dltaf_eof != true ]] && read -r -t 0 -u 4; do
    if ! IFS= read -r -u 4 line; then
      _dltaf_at_eof
      if [[ -n $line ]]; then _dltaf_queue+=("$line"); fi
      return 1
    fi
    if [[ -n $_dltaf_data_waiting ]] && [[ $line == *'"result"'* || $line == *'"error"'* ]]; then
      _dltaf_classify "$line"
      if [[ $_v == response && $_id == "$_dltaf_data_waiting" ]]; then
        _dltaf_data_answered "$line"
        continue
      fi
    fi
    if [[ $line == *'"cancel"'* ]]; then
      _dltaf_classify "$line"
      if [[ $_v == cancel && $_cid == "$1" ]]; then
        _dltaf_cancel_reason=$(jq -r '.params.reason // "cancelled by the host" | tostring' <<<"$line")
        return 0
      elif [[ $_v == cancel ]]; then
        _dltaf_remember_cancel "$_cid"
        continue
      fi
    fi
    _dltaf_queue+=("$line")
  done
  return 1
}

_dltaf_stop_handler() { # SIGTERM to the running handler's process group
  if [[ -n $_dltaf_handler_pgid ]]; then kill -TERM -- "-$_dltaf_handler_pgid" 2>/dev/null; fi
  return 0
}

_dltaf_default_answer() { # METHOD STATUS [FN]: the answer of a handler that ended without one
  local method=$1 status=$2 fn=${3:-the handler}
  if [[ $method == check/applies ]]; then
    if [[ $status == 0 ]]; then echo '{"result":{"applies":true}}'; else echo '{"result":{"applies":false}}'; fi
  elif [[ $status == killed ]]; then
    _dltaf_error_answer -32000 "$fn was killed before it answered" '{"category":"UNKNOWN","code":null,"retryable":false}'
  elif [[ $status != 0 ]]; then
    _dltaf_error_answer -32000 "$fn exited with status $status without answering" '{"category":"UNKNOWN","code":null,"retryable":false}'
  else
    case $method in
      hook/*) echo '{"result":{"ok":true}}' ;;
      check/run) echo '{"result":{"ok":false,"errors":["handler did not answer"],"warnings":[],"details":{}}}' ;;
      runner/validate) echo '{"result":{"diagnostics":[]}}' ;;
      *) _dltaf_error_answer -32000 "$fn returned without answering (call dltaf_run_result)" '{"category":"UNKNOWN","code":null,"retryable":false}' ;;
    esac
  fi
}

_dltaf_error_answer() { # CODE MESSAGE [DATA_JSON]: prints {"error": {...}}
  jq -cn --argjson code "$1" --arg message "$2" --argjson data "${3:-null}" \
    '{error: ({code: $code, message: $message} + if $data == null then {} else {data: $data} end)}'
}

_dltaf_send_error() { _dltaf_send_answer "$1" "$(_dltaf_error_answer "$2" "$3" "${4:-}")"; }

_dltaf_send_answer() { # ID ANSWER: writes the response line {"jsonrpc", "id"} + ANSWER to the protocol
  jq -c --argjson id "$1" '{jsonrpc: "2.0", id: $id} + .' <<<"$2" >&3
}
