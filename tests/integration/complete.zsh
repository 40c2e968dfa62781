# Completes one command line as zsh does on TAB, for the completion tests:
#   zsh -f complete.zsh DIR 'stackc diff -c stack.yml '
# DIR holds _stackc, found through fpath as an installed completion is. An interactive zsh on a
# pseudo-terminal gets the line and a TAB; every match handed to compadd is printed on the
# terminal with a marker, and this script prints those matches, one a line.
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "fpath=(${(q)1} \$fpath)"
# compinit scans every completion function once; DIR/.zcompdump keeps that for the next call.
if [[ -f $1/.zcompdump ]]; then
  zpty -w z "autoload -U compinit && compinit -C -d ${(q)1}/.zcompdump"
else
  zpty -w z "autoload -U compinit && compinit -u -d ${(q)1}/.zcompdump"
fi
# The markers are spelled at run time, so the terminal's echo of these lines never matches.
zpty -w z 'compadd() {
  if [[ ${(j: :)@} == *(-O|-A|-D)* ]]; then builtin compadd "$@"; return; fi
  local -a found; builtin compadd -O found "$@"; builtin compadd "$@"; local r=$?
  local m; for m in $found; do print -r -- "${(U):-match}=$m" >/dev/tty; done; return r; }'
zpty -w z 'comppostfuncs=(__done); __done() { print -r -- "${(U):-done}=" >/dev/tty; }'
zpty -n -w z "$2"$'\t'
integer deadline=$((SECONDS + 20))
local out line
while (( SECONDS < deadline )); do
  if zpty -rt z line; then
    out+=$line
    [[ $line == *DONE=* ]] && break
  else
    sleep 0.05
  fi
done
zpty -d z
for line in ${(f)out}; do
  line=${line//$'\r'/}
  [[ $line == *MATCH=* ]] && print -r -- ${line#*MATCH=}
done
[[ $out == *DONE=* ]]
