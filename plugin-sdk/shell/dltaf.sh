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
# function), before the script uses file descriptors 3, 4 and 5 (the SDK's).
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
      _dltaf_send_answer "$1" "$(jq -cn --argjson plugin "$_dltaf_info" --argjson provides "$_dltaf_provides" \
        '{result: {protocol_version: 1, plugin: $plugin, provides: $provides, features: []}}')"
      _dltaf_initialized=true
      ;;
    *) _dltaf_send_error "$1" -32002 "unsupported protocol version: host offers $offered, plugin speaks [1]" '{"supported":[1]}' ;;
  esac
}

# _dltaf_call ID METHOD NAME FN: runs the handler FN and relays what it says until it ends. The handler's
# lines on fd 5 are `p PGID`, `n NOTIFICATION`, `a ANSWER` and `x STATUS`. Time is counted in 0.1 s polls
# of silence. A `cancel` for this request, or the end of the end-of-input budget, sends SIGTERM to the
# handler's process group; 0.5 s later the SDK stops waiting for it and answers -32800.
_dltaf_call() {
  local id=$1 method=$2 fn=$4 line='' part='' answer='' status='' reason='' rc
  local idle=0 tick=0 give_up_at=-1
  local event=''
  if [[ $method == hook/* ]]; then event=${method#hook/}; fi
  # shellcheck disable=SC2034 # read by the handlers
  DLTAF_CALL_ID=$id DLTAF_CALL_METHOD=$method DLTAF_CALL_NAME=$3 DLTAF_CALL_PARAMS=$_params DLTAF_CALL_EVENT=$event
  while :; do
    IFS= read -r -t 0.1 -u 5 part
    rc=$?
    line+=$part
    if ((rc == 0)); then
      idle=0
      case $line in
        'p '*) _dltaf_handler_pgid=${line#p } ;;
        'n '*) printf '%s\n' "${line#n }" >&3 ;;
        'a '*) if [[ -z $answer ]]; then answer=${line#a }; else echo "dltaf.sh: $fn answered twice; the first answer counts" >&2; fi ;;
        'x '*) status=${line#x } && break ;;
      esac
      line=''
    elif ((rc > 128)); then # 0.1 s of silence
      ((++tick))
      if ((_dltaf_heartbeat_ticks > 0 && ++idle >= _dltaf_heartbeat_ticks)); then
        idle=0
        printf '{"jsonrpc":"2.0","method":"heartbeat","params":{"request_id":%s}}\n' "$id" >&3
      fi
      if [[ $_dltaf_eof == true ]] && ((--_dltaf_eof_budget == 0)) && [[ -z $reason ]]; then reason="stdin closed"; fi
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
  if [[ -z $answer && -n $reason ]]; then answer=$(_dltaf_error_answer -32800 "request cancelled: $reason"); fi
  [[ -n $answer ]] || answer=$(_dltaf_default_answer "$method" "${status:-killed}" "$fn")
  _dltaf_send_answer "$id" "$answer"
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
