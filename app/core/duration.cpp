#include "duration.h"

#include <cmath>

namespace hd {

std::optional<qint64> parseDurationMs(QStringView text)
{
    text = text.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    double total = 0;
    qsizetype i = 0;
    while (i < text.size()) {
        const qsizetype numStart = i;
        while (i < text.size() && (text[i].isDigit() || text[i] == u'.'))
            ++i;
        if (i == numStart)
            return std::nullopt;
        bool ok = false;
        const double value = text.mid(numStart, i - numStart).toDouble(&ok);
        if (!ok)
            return std::nullopt;
        const qsizetype unitStart = i;
        while (i < text.size() && text[i].isLetter())
            ++i;
        const QStringView unit = text.mid(unitStart, i - unitStart);
        double factor = 0;
        if (unit == u"ms")
            factor = 1;
        else if (unit == u"s")
            factor = 1000;
        else if (unit == u"m")
            factor = 60'000;
        else if (unit == u"h")
            factor = 3'600'000;
        else if (unit == u"d")
            factor = 86'400'000;
        else
            return std::nullopt;
        total += value * factor;
    }
    if (!std::isfinite(total) || total < 0 || total > 9.0e15)
        return std::nullopt;
    return static_cast<qint64>(std::llround(total));
}

QString formatDurationMs(qint64 ms)
{
    if (ms == 0)
        return QStringLiteral("0s");
    if (ms % 1000 != 0)
        return QString::number(ms) + u"ms";
    qint64 s = ms / 1000;
    QString out;
    if (s >= 3600) {
        out += QString::number(s / 3600) + u'h';
        s %= 3600;
    }
    if (s >= 60) {
        out += QString::number(s / 60) + u'm';
        s %= 60;
    }
    if (s > 0)
        out += QString::number(s) + u's';
    return out;
}

} // namespace hd
