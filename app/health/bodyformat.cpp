#include "health/bodyformat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStringDecoder>
#include <QStringList>
#include <QStringTokenizer>

#include <algorithm>
#include <span>

namespace hd {
namespace {

// Every status word the supported formats use, matched case-insensitively.
struct StatusWord {
    QStringView word;
    Status status;
};
constexpr StatusWord kStatusWords[] = {
    { u"ok", Status::Ok },
    { u"healthy", Status::Ok },
    { u"ready", Status::Ok },
    { u"alive", Status::Ok },
    { u"success", Status::Ok },
    { u"started", Status::Ok },
    { u"up", Status::Ok },
    { u"pass", Status::Ok },
    { u"fail", Status::Down },
    { u"failed", Status::Down },
    { u"unhealthy", Status::Down },
    { u"not_ready", Status::Down },
    { u"error", Status::Down },
    { u"down", Status::Down },
    { u"critical", Status::Down },
    { u"out_of_service", Status::Down },
    { u"degraded", Status::Degraded },
    { u"warn", Status::Degraded },
    { u"warning", Status::Degraded },
    { u"starting", Status::Starting },
    { u"unknown", Status::Unknown },
};

// Where each format puts the service's own reason, in order of preference.
using Keys = std::span<const QStringView>;
constexpr QStringView kSeedReasons[] = { u"error", u"output", u"description", u"reason", u"message" };
constexpr QStringView kIetfReasons[] = { u"output" };
constexpr QStringView kSpringReasons[] = { u"description", u"error" };
constexpr QStringView kAspnetReasons[] = { u"description", u"exception" };
constexpr QStringView kEtcdReasons[] = { u"reason" };

// What one recogniser found; finish() turns it into the public verdict.
struct Found {
    QString format;
    std::optional<Status> status;
    QString word; // the body's own wording, quoted when the HTTP status contradicts it
    QString detail;
    QList<HealthItem> items;
    std::shared_ptr<const prom::Exposition> metrics;
};

bool inList(std::span<const QStringView> list, QStringView word, Qt::CaseSensitivity cs = Qt::CaseInsensitive)
{
    return std::any_of(list.begin(), list.end(), [&](QStringView w) { return word.compare(w, cs) == 0; });
}

std::optional<Status> wordStatus(QStringView word)
{
    for (const StatusWord& w : kStatusWords) {
        if (word.compare(w.word, Qt::CaseInsensitive) == 0)
            return w.status;
    }
    return std::nullopt;
}

// A status member may be a word or, as in `checks: {database: true}`, a bool.
std::optional<Status> valueStatus(const QJsonValue& value)
{
    if (value.isBool())
        return value.toBool() ? Status::Ok : Status::Down;
    return value.isString() ? wordStatus(value.toString()) : std::nullopt;
}

QString render(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString().trimmed();
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(value.toDouble());
    case QJsonValue::Object:
        return value.toObject().isEmpty()
            ? QString()
            : QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array:
        return value.toArray().isEmpty()
            ? QString()
            : QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    default:
        return QString();
    }
}

QString firstReason(const QJsonObject& object, Keys keys)
{
    for (QStringView key : keys) {
        if (QString reason = render(object.value(key)); !reason.isEmpty())
            return reason;
    }
    return QString();
}

// Spring and FastAPI keep the reason one level down, in `details`.
QString reasonOf(const QJsonObject& object, Keys keys)
{
    if (QString reason = firstReason(object, keys); !reason.isEmpty())
        return reason;
    const QJsonValue details = object.value(u"details");
    if (details.isObject())
        return firstReason(details.toObject(), keys);
    return details.isString() ? details.toString().trimmed() : QString();
}

QString joined(const QString& a, const QString& b)
{
    return a.isEmpty() ? b : b.isEmpty() ? a : a + u"; " + b;
}

void readTopLevel(const QJsonObject& body, Keys reasons, Found& f)
{
    const QJsonValue status = body.value(u"status");
    f.word = render(status);
    f.status = valueStatus(status);
    f.detail = reasonOf(body, reasons);
}

// The one walker over sub-check maps. A member is a bool, a status word, an
// object with `status` (whose `nested` member holds children, as Actuator's
// `components`), or an IETF array of such objects.
struct Shape {
    Keys reasons;
    QStringView nested;
};

void addItem(const QString& name, const QJsonObject& object, const Shape& shape, QList<HealthItem>& out)
{
    if (const auto status = valueStatus(object.value(u"status")))
        out.append({ name, *status, reasonOf(object, shape.reasons) });
}

bool distinctComponentIds(const QJsonArray& entries)
{
    QSet<QString> ids;
    for (const QJsonValue& entry : entries) {
        const QString id = entry.toObject().value(u"componentId").toString();
        if (id.isEmpty() || ids.contains(id))
            return false;
        ids.insert(id);
    }
    return true;
}

void collectItems(const QJsonObject& map, const Shape& shape, const QString& prefix, QList<HealthItem>& out)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString name = prefix + it.key();
        const QJsonValue value = it.value();
        if (value.isArray()) {
            const QJsonArray entries = value.toArray();
            const bool byId = distinctComponentIds(entries);
            for (qsizetype i = 0; i < entries.size(); ++i) {
                const QJsonObject entry = entries.at(i).toObject();
                const QString suffix = byId ? entry.value(u"componentId").toString() : QString::number(i + 1);
                addItem(entries.size() == 1 ? name : name + u'/' + suffix, entry, shape, out);
            }
        } else if (value.isObject()) {
            const QJsonObject object = value.toObject();
            addItem(name, object, shape, out);
            if (!shape.nested.isEmpty() && object.value(shape.nested).isObject())
                collectItems(object.value(shape.nested).toObject(), shape, name + u'/', out);
        } else if (const auto status = valueStatus(value)) {
            out.append({ name, *status, QString() });
        }
    }
}

// --- JSON recognisers, tried in the order of kJsonFormats ---

bool docker(const QJsonObject& body, const QByteArray&, Found& f)
{
    QJsonObject health = body.value(u"State").toObject().value(u"Health").toObject();
    if (health.isEmpty())
        health = body;
    if (!health.value(u"Status").isString() || !(health.contains(u"FailingStreak") || health.contains(u"Log")))
        return false;
    f.word = health.value(u"Status").toString();
    f.status = wordStatus(f.word);
    const QJsonArray log = health.value(u"Log").toArray();
    if (!log.isEmpty())
        f.detail = render(log.last().toObject().value(u"Output"));
    if (const int streak = health.value(u"FailingStreak").toInt(); streak > 0)
        f.detail = joined(f.detail, QStringLiteral("failing streak %1").arg(streak));
    return true;
}

bool etcd(const QJsonObject& body, const QByteArray&, Found& f)
{
    const QString health = render(body.value(u"health"));
    if (body.contains(u"status") || (health != u"true" && health != u"false"))
        return false;
    f.word = u"health " + health;
    f.status = health == u"true" ? Status::Ok : Status::Down;
    f.detail = reasonOf(body, kEtcdReasons);
    return true;
}

// Redis heartbeat JSON: a present key is a live writer, so no `status` means ok.
bool heartbeat(const QJsonObject& body, const QByteArray&, Found& f)
{
    if (!body.contains(u"last_activity"))
        return false;
    readTopLevel(body, kSeedReasons, f);
    if (!body.contains(u"status"))
        f.status = Status::Ok;
    else if (!f.status)
        f.status = Status::Unknown;
    if (body.value(u"connected") == QJsonValue(false)) {
        f.status = worst(*f.status, Status::Degraded);
        f.detail = joined(QStringLiteral("not connected"), f.detail);
    }
    return true;
}

bool aspnetUi(const QJsonObject& body, const QByteArray&, Found& f)
{
    if (!body.value(u"entries").isObject())
        return false;
    readTopLevel(body, kAspnetReasons, f);
    collectItems(body.value(u"entries").toObject(), { kAspnetReasons, {} }, QString(), f.items);
    return true;
}

// Actuator: `components`, or a bare `{"status":"UP"}` in Actuator's upper-case words.
bool spring(const QJsonObject& body, const QByteArray&, Found& f)
{
    static constexpr QStringView actuatorWords[] = { u"UP", u"DOWN", u"OUT_OF_SERVICE", u"UNKNOWN" };
    static constexpr QStringView actuatorKeys[] = { u"status", u"components", u"groups", u"details" };
    const QStringList keys = body.keys();
    const bool bare = inList(actuatorWords, body.value(u"status").toString(), Qt::CaseSensitive)
        && std::all_of(keys.begin(), keys.end(), [](const QString& k) { return inList(actuatorKeys, k); });
    if (!bare && !body.value(u"components").isObject())
        return false;
    readTopLevel(body, kSpringReasons, f);
    collectItems(body.value(u"components").toObject(), { kSpringReasons, u"components" }, QString(), f.items);
    return true;
}

bool ietf(const QJsonObject& body, const QByteArray& contentType, Found& f)
{
    static constexpr QStringView ietfOnlyWords[] = { u"pass", u"warn" };
    const QJsonObject checks = body.value(u"checks").toObject();
    const bool arrays = std::any_of(checks.begin(), checks.end(), [](const QJsonValue& v) { return v.isArray(); });
    if (!arrays && !contentType.toLower().contains("health+json")
        && !inList(ietfOnlyWords, body.value(u"status").toString()))
        return false;
    readTopLevel(body, kIetfReasons, f);
    collectItems(checks, { kIetfReasons, {} }, QString(), f.items);
    return true;
}

// CLI scripts, Django, FastAPI, Flask. Flask lists sub-checks as top-level
// members (`"redis":"unhealthy"`), so those status words become items too.
bool seed(const QJsonObject& body, const QByteArray&, Found& f)
{
    readTopLevel(body, kSeedReasons, f);
    const Shape shape { kSeedReasons, {} };
    collectItems(body.value(u"checks").toObject(), shape, QString(), f.items);
    QJsonObject words;
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.value().isString() && it.key() != u"status" && !inList(kSeedReasons, it.key()))
            words.insert(it.key(), it.value());
    }
    collectItems(words, shape, QString(), f.items);
    return f.status || !f.items.isEmpty();
}

using JsonRecognizer = bool (*)(const QJsonObject&, const QByteArray&, Found&);
struct JsonFormat {
    QStringView name;
    JsonRecognizer recognize;
};
// Most specific first: the seed shape would also accept most of the others.
constexpr JsonFormat kJsonFormats[] = {
    { u"docker", docker },
    { u"etcd", etcd },
    { u"heartbeat", heartbeat },
    { u"aspnet-ui", aspnetUi },
    { u"spring", spring },
    { u"ietf", ietf },
    { u"seed", seed },
};

// --- text recognisers ---

// "[+]name ok", "[+]name excluded: ok", "[-]name failed: reason", "warn: ...",
// then "<endpoint> check passed|failed". Any other line means it is not this format.
bool k8s(QStringView text, Found& f)
{
    QStringList warnings;
    for (QStringView line : qTokenize(text, u'\n')) {
        line = line.trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith(u"[+]") || line.startsWith(u"[-]")) {
            const bool passed = line.at(1) == u'+';
            const QStringView rest = line.mid(3);
            const qsizetype space = rest.indexOf(u' ');
            if (space <= 0)
                return false;
            QStringView note = rest.mid(space + 1);
            if (passed)
                note = note == u"ok" ? QStringView() : note.endsWith(u": ok") ? note.chopped(4) : note;
            else if (note.startsWith(u"failed:"))
                note = note.mid(7).trimmed();
            f.items.append({ rest.first(space).toString(), passed ? Status::Ok : Status::Down, note.toString() });
        } else if (line.startsWith(u"warn: ")) {
            warnings.append(line.mid(6).toString());
        } else if (line.endsWith(u" check passed") || line.endsWith(u" check failed")) {
            f.word = line.toString();
            f.status = line.endsWith(u"passed") ? Status::Ok : Status::Down;
        } else {
            return false;
        }
    }
    f.detail = warnings.join(u"; ");
    return f.status || !f.items.isEmpty();
}

// A body that is one status word: ASP.NET's default writer, Django's /health/ping.
bool plainWord(QStringView text, Found& f)
{
    static constexpr QStringView aspnetWords[] = { u"Healthy", u"Degraded", u"Unhealthy" };
    const QStringView word = text.trimmed();
    f.status = wordStatus(word);
    if (!f.status)
        return false;
    if (inList(aspnetWords, word))
        f.format = QStringLiteral("aspnet");
    f.word = word.toString();
    return true;
}

using TextRecognizer = bool (*)(QStringView, Found&);
struct TextFormat {
    QStringView name;
    TextRecognizer recognize;
};
constexpr TextFormat kTextFormats[] = {
    { u"k8s", k8s },
    { u"seed", plainWord },
};

// Prometheus text: `x_health_check_status{check="redis"} 0` is one sub-check per check, as Actuator's components.
// Without such a family the body is still Prometheus text, and having parsed it is all it says: ok.
std::optional<BodyVerdict> prometheus(const QByteArray& body, const QByteArray& contentType, int httpStatus, Found& f)
{
    const bool declared = prom::isExpositionContentType(contentType);
    if (!declared && !body.contains("# TYPE ") && !body.contains("# HELP "))
        return std::nullopt;
    auto metrics = std::make_shared<prom::Exposition>(prom::parse(body, prom::formatOf(contentType, body)));
    if (!metrics->ok() || (!declared && metrics->samples.isEmpty()))
        return std::nullopt;
    f.format = QStringLiteral("prometheus");
    for (const prom::Sample& sample : std::as_const(metrics->samples)) {
        if (!sample.name.endsWith(u"_health_check_status"))
            continue;
        const auto check = std::find_if(
            sample.labels.begin(), sample.labels.end(), [](const auto& label) { return label.first == u"check"; });
        if (check == sample.labels.end())
            continue;
        HealthItem item { check->second, Status::Unknown, QString() };
        if (sample.value == 1)
            item.status = Status::Ok;
        else if (sample.value == 0)
            item.status = Status::Down;
        else
            item.detail = u"value " + prom::formatValue(sample.value);
        // One row per check: the same check in two families (or with other labels) keeps the worse status.
        const auto same
            = std::find_if(f.items.begin(), f.items.end(), [&](const HealthItem& i) { return i.name == item.name; });
        if (same == f.items.end())
            f.items.append(item);
        else if (worst(same->status, item.status) != same->status)
            *same = item;
    }
    if (f.items.isEmpty()) {
        // No sub-checks: as for a body in no known format, the HTTP status decides.
        return BodyVerdict { f.format, httpStatus >= 400 ? Status::Down : Status::Ok, QString(), {},
            std::move(metrics) };
    }
    f.metrics = std::move(metrics);
    return std::nullopt;
}

QString summary(const QList<HealthItem>& items)
{
    QStringList names;
    QStringList reasons;
    for (const HealthItem& item : items) {
        if (item.status == Status::Ok)
            continue;
        names.append(item.name);
        if (!item.detail.isEmpty())
            reasons.append(item.name + u": " + item.detail);
    }
    return (reasons.isEmpty() ? names : reasons).join(u"; ");
}

BodyVerdict finish(Found f, int httpStatus)
{
    if (!f.status && !f.items.isEmpty()) {
        // No top-level word: the sub-checks speak for the service.
        Status status = Status::Ok;
        for (const HealthItem& item : std::as_const(f.items))
            status = worst(status, item.status);
        f.status = status;
        f.word = statusName(status);
    }
    if (!f.status)
        f.status = Status::Unknown; // the format is certain, its word is not one we know
    if (f.detail.isEmpty() && *f.status != Status::Ok)
        f.detail = summary(f.items);
    if (httpStatus >= 400 && *f.status == Status::Ok) {
        const QString contradiction
            = QStringLiteral("HTTP %1 although the body says %2").arg(QString::number(httpStatus), f.word);
        f.detail = f.detail.isEmpty() ? contradiction : contradiction + u": " + f.detail;
        f.status = Status::Down;
    }
    return { f.format, f.status, f.detail, f.items, std::move(f.metrics) };
}

} // namespace

BodyVerdict recognizeBody(const QByteArray& body, const QByteArray& contentType, int httpStatus)
{
    // JSON first, straight from the bytes: Qt's parser rejects invalid UTF-8 itself, and most
    // health bodies are JSON, so they need no decoding here. JSON allows only these four
    // characters of white space before the value.
    qsizetype first = 0;
    while (first < body.size()
        && (body[first] == ' ' || body[first] == '\t' || body[first] == '\r' || body[first] == '\n'))
        ++first;
    // Kubernetes lines start with '[' too, so a failed parse still tries the text formats.
    if (first < body.size() && (body[first] == '{' || body[first] == '[')) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
        if (error.error == QJsonParseError::NoError) {
            if (!doc.isObject())
                return {};
            const QJsonObject object = doc.object();
            for (const JsonFormat& format : kJsonFormats) {
                Found f;
                if (format.recognize(object, contentType, f)) {
                    f.format = format.name.toString();
                    return finish(std::move(f), httpStatus);
                }
            }
            return {};
        }
    }

    // Stateless: a sequence cut off at the end of the body is an error, not a wait for more.
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8(body);
    const QStringView trimmed = QStringView(text).trimmed();
    if (utf8.hasError() || trimmed.isEmpty())
        return {};
    if (Found f; prom::isExpositionContentType(contentType)) {
        if (auto verdict = prometheus(body, contentType, httpStatus, f))
            return *verdict;
        if (!f.format.isEmpty())
            return finish(std::move(f), httpStatus);
    }
    for (const TextFormat& format : kTextFormats) {
        Found f;
        if (format.recognize(trimmed, f)) {
            if (f.format.isEmpty()) // a recogniser may name a more precise format itself
                f.format = format.name.toString();
            return finish(std::move(f), httpStatus);
        }
    }
    if (Found f; !prom::isExpositionContentType(contentType)) {
        if (auto verdict = prometheus(body, contentType, httpStatus, f))
            return *verdict;
        if (!f.format.isEmpty())
            return finish(std::move(f), httpStatus);
    }
    return {};
}

} // namespace hd
