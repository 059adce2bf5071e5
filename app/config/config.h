#pragma once

#include "core/rowkey.h"
#include "core/status.h"

#include <QByteArray>
#include <QDate>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QTime>
#include <QUrl>
#include <memory>
#include <optional>
#include <variant>

namespace hd {

// Where something was written in the config file; every config error names one.
struct SourceLocation {
    QString file;
    int line = 0; // 1-based
    int column = 0; // 1-based
    QString toString() const;
};

struct TlsClientConfig {
    QString caFile; // PEM bundle to trust in addition to (or instead of) the system store
    QString certFile; // client certificate, PEM
    QString keyFile; // client key, PEM
    bool insecure = false; // skip verification; must be said explicitly
    bool isSet() const { return !caFile.isEmpty() || !certFile.isEmpty() || !keyFile.isEmpty() || insecure; }
};

struct BasicAuth {
    QString username;
    QString password;
};

struct HttpProbeConfig {
    QUrl url;
    QByteArray method = QByteArrayLiteral("GET"); // static data: no allocation per check
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString bearer; // auth: { bearer: ... }
    std::optional<BasicAuth> basic; // auth: { basic: { username, password } }
    TlsClientConfig tls;
    int maxRedirects = 5;
    qint64 maxBodyBytes = 0; // 0: take Defaults::maxBodyBytes
};

struct RedisProbeConfig {
    enum class Mode { Key, Hash, Stream, Pattern, Ping };
    QString server; // name in Config::redis
    Mode mode = Mode::Key;
    QString key; // key, hash, stream or pattern, by mode; empty for Ping
};

struct TcpProbeConfig {
    QString host;
    quint16 port = 0;
};

struct FileProbeConfig {
    QString path;
    bool writable = false; // prove it by creating and deleting a file in the directory
    std::optional<qint64> maxAgeMs; // modification time no older than this
};

struct ExecProbeConfig {
    QStringList command; // argv, run without a shell
    QString workingDirectory;
};

// A PromQL instant query. The request itself goes out as an http probe (CheckConfig::http holds
// GET URL/api/v1/query?query=...), with the same headers, auth and TLS settings.
struct PrometheusProbeConfig {
    QUrl url; // the Prometheus server, as written
    QString query;
    bool emptyOk = false; // `empty: ok`: a query that returns no series is ok rather than down
};

// An Alertmanager to read firing alerts from (`sources: - alertmanager:`). It becomes the service `name` with
// the check `api` (and `watchdog` when one is named); each firing alert becomes a row of its own.
struct AlertmanagerSourceConfig {
    QString name;
    QUrl url;
    QStringList filter; // matchers, as Alertmanager takes them
    QStringList serviceLabels { QStringLiteral("service"),
        QStringLiteral("job") }; // the first present names the row's service
    QStringList checkLabels { QStringLiteral("alertname") };
    QString groupLabel; // empty: the source's name is the group
    QMap<QString, Status> severity { { QStringLiteral("critical"), Status::Down },
        { QStringLiteral("warning"), Status::Degraded }, { QStringLiteral("info"), Status::Ok } };
    qint64 ackExpiryMs = 2 * 3600 * 1000;
    QStringList ackMatchers { QStringLiteral("alertname"), QStringLiteral("service"), QStringLiteral("instance") };
    QString watchdog; // an alert that must always be firing; empty: none
};

struct ConditionSpec {
    QString expression;
    bool warn = false; // "- warn: ..." failing makes the check degraded, not down
    SourceLocation where;
};

enum class ProbeKind { Http, Redis, Tcp, File, Exec, Prometheus, Alertmanager };

// `remediate:` on a service or a check: what auto-healing does when it stays down (docs/contract.md §8).
struct RemediationConfig {
    QString action; // an admin action of the service (preset or custom); empty when `exec` is set
    QMap<QString, QString> params; // its parameters, as for `healthdeck admin`
    QStringList exec; // argv, run without a shell; empty when `action` is set
    qint64 afterMs = 120'000; // down in its hard state this long before the first attempt
    int maxAttempts = 3;
    qint64 backoffMs = 60'000; // the wait after the first attempt; doubles after each one
    qint64 windowMs = 3'600'000; // healthy this long resets the attempt budget
    SourceLocation where; // the `remediate:` key
    SourceLocation actionWhere; // the `action:` value (or the `remediate:` key)
    SourceLocation paramsWhere; // the `params:` key (or the `action:` value)
};

struct CheckConfig {
    QString service;
    QString name;
    QStringList tags;
    qint64 intervalMs = 10'000;
    qint64 timeoutMs = 2'000;
    int failureThreshold = 3;
    int successThreshold = 1;
    Severity severity = Severity::Critical;
    // How many probes of this kind may be open to this check's host:port at once (as browsers cap theirs);
    // the rest wait their turn, and the wait does not count against the timeout.
    int maxConnectionsPerHost = 6;
    QString active; // calendar name, empty = always
    ProbeKind kind = ProbeKind::Http;
    HttpProbeConfig http; // http checks, and the requests of the prometheus and alertmanager ones
    // The settings of the other kind `kind` names: one at a time, so that a check carries no other kind's.
    using ProbeSettings = std::variant<std::monostate, RedisProbeConfig, TcpProbeConfig, FileProbeConfig,
        ExecProbeConfig, PrometheusProbeConfig>;
    ProbeSettings probe;
    // Reading: the settings of that kind, or its defaults when the check holds another kind's.
    const RedisProbeConfig& redis() const { return settingsOr<RedisProbeConfig>(); }
    const TcpProbeConfig& tcp() const { return settingsOr<TcpProbeConfig>(); }
    const FileProbeConfig& file() const { return settingsOr<FileProbeConfig>(); }
    const ExecProbeConfig& exec() const { return settingsOr<ExecProbeConfig>(); }
    const PrometheusProbeConfig& prometheus() const { return settingsOr<PrometheusProbeConfig>(); }
    // Writing: the settings of kind T, replacing another kind's.
    template <typename T> T& settings()
    {
        if (!std::holds_alternative<T>(probe))
            probe.emplace<T>();
        return std::get<T>(probe);
    }
    // kind Alertmanager: the source this check reads (shared: most checks have none, and copies are many)
    std::shared_ptr<const AlertmanagerSourceConfig> alertmanager;
    QList<ConditionSpec> conditions;
    std::shared_ptr<const RemediationConfig> remediate; // null: none of its own (the service's may apply)
    SourceLocation where;

    QString key() const { return RowKey::make(service, name); }

private:
    template <typename T> const T& settingsOr() const
    {
        static const T defaults;
        const T* held = std::get_if<T>(&probe);
        return held ? *held : defaults;
    }
};

struct ServiceConfig {
    QString name;
    QString group;
    QStringList dependsOn;
    QList<CheckConfig> checks;
    std::shared_ptr<const RemediationConfig> remediate; // for its checks that have none of their own
    SourceLocation where;
};

struct RedisServerConfig {
    QString name;
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    int db = 0;
    bool tls = false; // rediss://
    QString username;
    QString password;
    TlsClientConfig tlsFiles;
    SourceLocation where;
};

struct CalendarConfig {
    struct Session {
        QList<int> days; // Qt::DayOfWeek values, 1 = Monday
        QTime start;
        QTime end;
    };
    QString name;
    QByteArray timezone; // IANA id
    QList<Session> sessions;
    QList<QDate> holidays;
    SourceLocation where;
};

// Maintenance windows silence a service, a group or a tag, once or weekly.
struct MaintenanceWindow {
    QString name;
    QStringList services;
    QStringList groups;
    QStringList tags;
    QDateTime start; // once: absolute start/end
    QDateTime end;
    QString weekly; // "Sat 22:00-23:30" in `timezone`; empty = once
    QByteArray timezone;
    SourceLocation where;
};

struct AdminActionConfig {
    QString name;
    QByteArray method = QByteArrayLiteral("GET"); // static data: no allocation per check
    QString path;
    QJsonValue body; // JSON template with {param} placeholders
    bool confirm = false;
    QMap<QString, QStringList> allowed; // param -> allowed values (empty list = free text)
    QStringList required;
    SourceLocation where;
};

struct AdminServiceConfig {
    QString service;
    QUrl baseUrl;
    QString preset;
    // auth: exactly one of these
    QString loginUrl; // relative to baseUrl
    QString loginUsername;
    QString loginPassword;
    QString bearer;
    std::optional<BasicAuth> basic;
    QList<AdminActionConfig> actions;
    TlsClientConfig tls;
    qint64 timeoutMs = 10'000;
    SourceLocation where;
};

struct HistoryConfig {
    qint64 rawSamplesMs = 48LL * 3600 * 1000;
    qint64 minuteRollupsMs = 30LL * 86400 * 1000;
    qint64 hourRollupsMs = 400LL * 86400 * 1000;
    qint64 eventsMs = 365LL * 86400 * 1000;
};

struct Defaults {
    qint64 intervalMs = 10'000;
    qint64 timeoutMs = 2'000;
    int failureThreshold = 3;
    int successThreshold = 1;
    Severity severity = Severity::Critical;
    qint64 maxBodyBytes = 4 * 1024 * 1024;
    int maxConnectionsPerHost = 6;
};

struct Config {
    QString file; // absolute path it was read from, or a label
    int version = 1;
    Defaults defaults;
    QMap<QString, RedisServerConfig> redis;
    QMap<QString, CalendarConfig> calendars;
    QList<ServiceConfig> services;
    QList<MaintenanceWindow> maintenance;
    QMap<QString, AdminServiceConfig> admin;
    bool adminReadOnly = false;
    HistoryConfig history;

    const ServiceConfig* service(const QString& name) const;
    QList<CheckConfig> allChecks() const;
};

// `server` with `path` appended to its own path (a trailing '/' dropped) and `encodedQuery` as its query:
// ("http://h:9090/prom/", "/api/v1/query", "query=up") -> http://h:9090/prom/api/v1/query?query=up.
QUrl apiUrl(const QUrl& server, const QString& path, const QString& encodedQuery = QString());

struct ConfigError {
    SourceLocation where;
    QString message;
    QString toString() const; // "FILE:LINE:COLUMN: message", or "FILE: message" for line 0
};

} // namespace hd
