#include "displaytext.h"

#include <QJsonDocument>
#include <QLocale>
#include <QStringDecoder>

namespace hd {

QString formatLatency(double ms)
{
    if (ms < 10)
        return QString::number(ms, 'f', 1) + u" ms";
    if (ms < 1000)
        return QString::number(qRound(ms)) + u" ms";
    return QString::number(ms / 1000.0, 'f', 2) + u" s";
}

QString formatDuration(qint64 ms)
{
    const qint64 s = qMax<qint64>(0, ms / 1000);
    if (s < 60)
        return QString::number(s) + u" s";
    if (s < 3600)
        return QString::number(s / 60) + u" min";
    if (s < 86400)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

QString formatClock(const QDateTime& utc, const QDateTime& nowUtc)
{
    if (!utc.isValid())
        return QString();
    const QDateTime local = utc.toLocalTime();
    const QDate today = nowUtc.toLocalTime().date();
    if (local.date() == today)
        return local.toString(QStringLiteral("HH:mm:ss"));
    if (local.date().daysTo(today) < 7 && local.date() < today)
        return QLocale::c().toString(local, QStringLiteral("ddd HH:mm"));
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

namespace {

QString hexDump(const QByteArray& data)
{
    QString out;
    for (qsizetype off = 0; off < data.size(); off += 16) {
        const QByteArray line = data.mid(off, 16);
        out += QStringLiteral("%1  ").arg(off, 8, 16, QLatin1Char('0'));
        QString ascii;
        for (qsizetype i = 0; i < 16; ++i) {
            if (i < line.size()) {
                const auto c = uchar(line.at(i));
                out += QStringLiteral("%1 ").arg(c, 2, 16, QLatin1Char('0'));
                ascii += c >= 0x20 && c < 0x7f ? QChar(char16_t(c)) : QChar(u'.');
            } else {
                out += QStringLiteral("   ");
            }
        }
        out += u' ' + ascii + u'\n';
    }
    return out;
}

QString escapeControls(const QString& text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c.unicode() < 0x20 && c != u'\n' && c != u'\t')
            out += c == u'\r' ? QString() : QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else if (c.unicode() == 0x7f)
            out += QStringLiteral("\\x7f");
        else
            out += c;
    }
    return out;
}

} // namespace

QString bodyForDisplay(const QByteArray& body, int capBytes)
{
    if (body.isEmpty())
        return QString();
    const qsizetype cap = qMax(64, capBytes);
    const QString cut
        = body.size() > cap ? QStringLiteral("\n\u2026 (%1 of %2 bytes shown)").arg(cap).arg(body.size()) : QString();
    const QByteArray head = body.left(cap);
    // Stateful: a multi-byte character cut at the cap waits in the decoder instead of counting as an error.
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString text = utf8.decode(head);
    const bool binary = utf8.hasError() || head.contains('\0');
    if (binary) {
        const QByteArray shown = body.left(qMin<qsizetype>(cap / 4, 4096));
        return QStringLiteral("binary body, %1 bytes\n").arg(body.size()) + hexDump(shown)
            + (shown.size() < body.size() ? QStringLiteral("\u2026") : QString());
    }
    if (body.size() <= 8 * 1024 * 1024) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
        if (error.error == QJsonParseError::NoError && !doc.isNull()) {
            const QByteArray pretty = doc.toJson(QJsonDocument::Indented);
            QStringDecoder dec(QStringDecoder::Utf8);
            const QString shown = dec.decode(pretty.left(cap));
            return escapeControls(shown)
                + (pretty.size() > cap ? QStringLiteral("\n\u2026 (%1 of %2 bytes of formatted JSON shown)")
                                             .arg(cap)
                                             .arg(pretty.size())
                                       : QString());
        }
    }
    return escapeControls(text) + cut;
}

} // namespace hd
