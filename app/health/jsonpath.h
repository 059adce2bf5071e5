#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

class QJsonValue;

namespace hd {

// What Gatus' jsonpath.Eval makes of a [BODY] path: the value as Go prints it
// (numbers 1e+06 style, arrays "[a b]", objects as minified JSON) and what len()
// reports (bytes of a string or a printed scalar, elements of an array).
struct JsonPathResult {
    bool ok = false;
    QString value;
    qsizetype length = 0;
};

// path is what follows "[BODY]." or "[BODY]": "data.items[0].name", "[1]", "".
JsonPathResult evalJsonPath(QStringView path, const QByteArray& body);

// Go's fmt %v of a float64: shortest digits, exponent form outside 1e-4..1e6.
QString goFormatFloat(double value);

} // namespace hd
