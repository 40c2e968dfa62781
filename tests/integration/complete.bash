# Completes one command line as bash does on TAB, for the completion tests:
#   bash complete.bash SCRIPT 'stackc diff -c stack.yml '
# SCRIPT is sourced, or with SCRIPT = bash-completion the completion is found the way an
# installed package's is: by bash-completion's loader on the first TAB after "stackc".
# Prints `complete -p stackc`, then each candidate on a line of its own.
set -u
if [ "$1" = bash-completion ]; then
  source /usr/share/bash-completion/bash_completion
  _completion_loader stackc
else
  source "$1"
fi
complete -p stackc || exit 1
line=$2
read -ra COMP_WORDS <<<"$line"
[[ $line == *' ' ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
spec=$(complete -p stackc)
function=${spec#*-F }
function=${function%% *}
"$function" stackc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
