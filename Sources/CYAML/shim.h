// libyaml (Debian's libyaml-dev): the parser behind the YAML of configuration files. Linked from its
// static archive (module.modulemap: `link ":libyaml.a"`), so the binary needs no libyaml at run time.
#include <yaml.h>
