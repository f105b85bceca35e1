# Sourced by the repository's scripts: selects a JDK 21 or newer (the build targets Java 21).
# pick_jdk [TOOL] prints its home: $JAVA_HOME if it is one, else the first under /usr/lib/jvm
# (or the directories in $JDK_SEARCH_PATH); TOOL, default java, must be in its bin (javac to build).
# use_jdk21 [TOOL] exports JAVA_HOME and PATH for it, or says in one line what to install and fails.

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

pick_jdk() {
  local tool="${1:-java}" candidate major
  local search=(/usr/lib/jvm/*)
  [ -n "${JDK_SEARCH_PATH:-}" ] && read -r -a search <<<"$JDK_SEARCH_PATH"
  for candidate in "${JAVA_HOME:-}" "${search[@]}"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/$tool" ] || continue
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

use_jdk21() {
  local home
  if ! home=$(pick_jdk "${1:-java}"); then
    echo "No Java 21 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*): install a JDK 21+ (e.g. Temurin 21) or point JAVA_HOME at one." >&2
    return 1
  fi
  export JAVA_HOME="$home"
  export PATH="$JAVA_HOME/bin:$PATH"
}
