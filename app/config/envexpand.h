#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace hd {

// The result of expanding ${VAR} and ${VAR:-default} in one config scalar.
struct EnvExpansion {
    QString text;
    QStringList unsetVariables; // referenced without a default and not set, in order of appearance
    QString error; // non-empty when the text is malformed (then `text` is the input)
    qsizetype errorOffset = -1; // index into the input where the malformed reference starts
};

// Expands `${VAR}` and `${VAR:-default}`; the default may itself hold references
// (`${A:-${B:-x}}`) and is only expanded when used. As in the shell, `:-` also
// applies when VAR is set but empty. `$${` is a literal `${`; any other `$` is kept.
// An unset VAR without a default expands to "" and is listed in unsetVariables.
EnvExpansion expandEnvironment(QStringView text, const QProcessEnvironment& env);

} // namespace hd
