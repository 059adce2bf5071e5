#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QString>

namespace hd {

// Hand-written JSON keeps the documented key order of the spec's outputs.
inline QByteArray jsonString(const QString& s)
{
    const QByteArray array = QJsonDocument(QJsonArray { s }).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

inline QByteArray jsonStringOrNull(const QString& s)
{
    return s.isEmpty() ? QByteArrayLiteral("null") : jsonString(s);
}

} // namespace hd
