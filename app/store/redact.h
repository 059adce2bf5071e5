#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace hd {

// What a redacted secret is replaced with.
QString redactedMarker();

// True for keys that name a credential: password, token, secret, authorization, api key, cookie, ...
// Case, '_', '-' and spaces are ignored, so "X-Api-Key" and "access_token" match.
bool isSecretKey(QStringView key);

// Replaces the value of every secret key, at any depth (arrays included), with redactedMarker().
QJsonValue redactSecrets(const QJsonValue& value);
QJsonObject redactSecrets(const QJsonObject& object);

// Masks credentials in free text: "password=...", "token: ...", "\"secret\":\"...\"", "Bearer ...", "Basic ...".
QString redactSecretsInText(const QString& text);

} // namespace hd
