#include "health/bodyformat.h"
#include "support/testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest>

#include <cctype>

using namespace Qt::StringLiterals;
using hd::BodyVerdict;
using hd::recognizeBody;

namespace {

// What a body should be read as. status "" means "no known format".
struct Expect {
    QString format;
    QString status;
    QString detail = {};
    QStringList items = {}; // "name=status", in the order recognizeBody returns them
    QStringList itemDetails = {}; // "name=detail" for the items that carry one
};

const Expect kNone { QString(), QString() };

void addColumns()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QStringList>("items");
    QTest::addColumn<QStringList>("itemDetails");
}

void addRow(const QString& name, const QByteArray& body, const QByteArray& contentType, int httpStatus, const Expect& e)
{
    QTest::newRow(qPrintable(name)) << body << contentType << httpStatus << e.format << e.status << e.detail << e.items
                                    << e.itemDetails;
}

void checkVerdict()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, httpStatus);
    QFETCH(QString, format);
    QFETCH(QString, status);
    QFETCH(QString, detail);
    QFETCH(QStringList, items);
    QFETCH(QStringList, itemDetails);

    const BodyVerdict v = recognizeBody(body, contentType, httpStatus);
    QStringList gotItems;
    QStringList gotDetails;
    for (const hd::HealthItem& item : v.items) {
        gotItems.append(item.name + u'=' + hd::statusName(item.status));
        if (!item.detail.isEmpty())
            gotDetails.append(item.name + u'=' + item.detail);
    }
    QCOMPARE(v.format, format);
    QCOMPARE(v.status ? hd::statusName(*v.status) : QString(), status);
    QCOMPARE(v.detail, detail);
    QCOMPARE(gotItems, items);
    QCOMPARE(gotDetails, itemDetails);
}

QStringList allOk(const QStringList& names)
{
    QStringList out;
    for (const QString& n : names)
        out.append(n + u"=ok");
    return out;
}

// The captured prometheus files hold a whole HTTP response: status line, headers, blank line, body.
std::pair<int, QByteArray> httpResponse(const QByteArray& raw)
{
    const qsizetype split = raw.indexOf("\n\n");
    return { raw.left(raw.indexOf('\n')).split(' ').value(1).toInt(), raw.mid(split + 2) };
}

const QStringList kApiserverChecks = {
    u"ping"_s,
    u"log"_s,
    u"etcd"_s,
    u"poststarthook/start-kube-apiserver-admission-initializer"_s,
    u"poststarthook/generic-apiserver-start-informers"_s,
    u"poststarthook/start-apiextensions-informers"_s,
    u"poststarthook/start-apiextensions-controllers"_s,
    u"poststarthook/crd-informer-synced"_s,
    u"poststarthook/bootstrap-controller"_s,
    u"poststarthook/rbac/bootstrap-roles"_s,
    u"poststarthook/scheduling/bootstrap-system-priority-classes"_s,
    u"poststarthook/start-cluster-authentication-info-controller"_s,
    u"poststarthook/start-kube-aggregator-informers"_s,
    u"poststarthook/apiservice-registration-controller"_s,
    u"poststarthook/apiservice-status-available-controller"_s,
    u"poststarthook/kube-apiserver-autoregistration"_s,
    u"autoregister-completion"_s,
    u"poststarthook/apiservice-openapi-controller"_s,
};

QByteArray nested(int depth, const QByteArray& open, const QByteArray& inner, const QByteArray& close)
{
    return open.repeated(depth) + inner + close.repeated(depth);
}

} // namespace

class TestBodyFormat : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fixtures_data();
    void fixtures() { checkVerdict(); }
    void kubernetesCases_data();
    void kubernetesCases() { checkVerdict(); }
    void seedServices_data();
    void seedServices() { checkVerdict(); }
    void httpStatusInterplay_data();
    void httpStatusInterplay() { checkVerdict(); }
    void badInput_data();
    void badInput() { checkVerdict(); }
    void prometheusBodies_data();
    void prometheusBodies() { checkVerdict(); }
    void prometheusVerdictCarriesTheParse();
    void parserRejectsDeepNesting();
    void deepLegalNestingIsWalked();
};

void TestBodyFormat::fixtures_data()
{
    addColumns();
    const QByteArray json = "application/json";
    const QByteArray text = "text/plain; charset=utf-8";

    addRow(u"ietf draft-06 example"_s, hdtest::readData(u"ietf-health-check-draft06-example.json"_s),
        "application/health+json", 200,
        { u"ietf"_s, u"ok"_s, QString(),
            { u"cassandra:connections=degraded"_s, u"cassandra:responseTime=ok"_s, u"cpu:utilization/1=degraded"_s,
                u"cpu:utilization/2=degraded"_s, u"memory:utilization/1=degraded"_s, u"memory:utilization/2=ok"_s,
                u"uptime=ok"_s } });
    {
        // Constructed from the draft's schema: a failing IETF body sent as plain application/json.
        const QByteArray body = R"({"status":"fail","output":"db unreachable","checks":{"db:connections":)"
                                R"([{"componentId":"a","status":"fail","output":"timeout"},)"
                                R"({"componentId":"b","status":"pass"}]}})";
        addRow(u"ietf fail without health+json content type"_s, body, json, 503,
            { u"ietf"_s, u"down"_s, u"db unreachable"_s, { u"db:connections/a=down"_s, u"db:connections/b=ok"_s },
                { u"db:connections/a=timeout"_s } });
    }

    addRow(u"spring actuator docs example"_s, hdtest::readData(u"spring-actuator-health.json"_s),
        "application/vnd.spring-boot.actuator.v3+json", 200,
        { u"spring"_s, u"ok"_s, QString(),
            { u"broker=ok"_s, u"broker/us1=ok"_s, u"broker/us2=ok"_s, u"db=ok"_s, u"diskSpace=ok"_s } });
    {
        const QString reason = u"Discovery Client not initialized"_s;
        addRow(u"spring actuator real world with UNKNOWN components"_s,
            hdtest::readData(u"spring-actuator-health-realworld-unknown.json"_s), json, 200,
            { u"spring"_s, u"ok"_s, QString(),
                { u"discoveryComposite=unknown"_s, u"discoveryComposite/discoveryClient=unknown"_s, u"diskSpace=ok"_s,
                    u"ping=ok"_s, u"reactiveDiscoveryClients=unknown"_s,
                    u"reactiveDiscoveryClients/Simple Reactive Discovery Client=unknown"_s, u"redis=ok"_s,
                    u"refreshScope=ok"_s, u"ssl=ok"_s },
                { u"discoveryComposite="_s + reason, u"discoveryComposite/discoveryClient="_s + reason,
                    u"reactiveDiscoveryClients="_s + reason,
                    u"reactiveDiscoveryClients/Simple Reactive Discovery Client="_s + reason } });
    }

    // "Healthy      -> HTTP 200": the three bodies ASP.NET Core's default writer sends.
    static const QRegularExpression plainLine(u"^(\\w+)\\s+->\\s+HTTP (\\d+)$"_s);
    const QHash<QString, QString> plainStatus { { u"Healthy"_s, u"ok"_s }, { u"Degraded"_s, u"degraded"_s },
        { u"Unhealthy"_s, u"down"_s } };
    int plainRows = 0;
    for (const QByteArray& line : hdtest::readData(u"aspnetcore-default-plaintext.txt"_s).split('\n')) {
        const QRegularExpressionMatch m = plainLine.match(QString::fromUtf8(line));
        if (!m.hasMatch())
            continue;
        ++plainRows;
        addRow(u"aspnet plain text "_s + m.captured(1), m.captured(1).toUtf8(), text, m.captured(2).toInt(),
            { u"aspnet"_s, plainStatus.value(m.captured(1)) });
    }
    QCOMPARE(plainRows, 3);

    addRow(u"aspnet ui writer, xabaril issue 114"_s, hdtest::readData(u"aspnetcore-xabaril-issue114-realworld.json"_s),
        json, 200, { u"aspnet-ui"_s, u"ok"_s, QString(), { u"FlaskAPI=ok"_s, u"Python=ok"_s } });
    {
        const QByteArray body = hdtest::readData(u"aspnetcore-xabaril-uiresponsewriter-constructed.json"_s);
        const QString redis = QJsonDocument::fromJson(body)
                                  .object()
                                  .value(u"entries")
                                  .toObject()
                                  .value(u"redis")
                                  .toObject()
                                  .value(u"description")
                                  .toString();
        QVERIFY(redis.startsWith(u"It was not possible"));
        addRow(u"aspnet ui writer, unhealthy redis"_s, body, json, 503,
            { u"aspnet-ui"_s, u"down"_s, u"queue-depth: queue above threshold; redis: "_s + redis,
                { u"npgsql=ok"_s, u"queue-depth=degraded"_s, u"redis=down"_s },
                { u"queue-depth=queue above threshold"_s, u"redis="_s + redis } });
    }

    addRow(u"kubernetes readyz verbose"_s, hdtest::readData(u"kubernetes-readyz-verbose-ok.txt"_s), text, 200,
        { u"k8s"_s, u"ok"_s, QString(), allOk(kApiserverChecks) });
    addRow(u"kubernetes readyz verbose exclude etcd"_s,
        hdtest::readData(u"kubernetes-readyz-verbose-exclude-etcd.txt"_s), text, 200,
        { u"k8s"_s, u"ok"_s, QString(), allOk(kApiserverChecks + QStringList { u"shutdown"_s }),
            { u"etcd=excluded"_s } });

    addRow(u"etcd 3.4 ok (JSON as text/plain)"_s, hdtest::readData(u"etcd-3.4.23-health-ok.json"_s), text, 200,
        { u"etcd"_s, u"ok"_s });
    addRow(u"etcd 3.4 no leader 503"_s, hdtest::readData(u"etcd-3.4.23-health-noleader-503.json"_s), text, 503,
        { u"etcd"_s, u"down"_s });
    {
        // "503  {"health":"false","reason":"RAFT NO LEADER"}\n   (comment)": a literal \n means a trailing newline.
        const QList<std::pair<QString, QString>> expected { { u"ok"_s, QString() }, { u"down"_s, u"RAFT NO LEADER"_s },
            { u"down"_s, u"ALARM NOSPACE"_s }, { u"down"_s, u"ALARM CORRUPT"_s },
            { u"down"_s, u"RANGE ERROR:<err>"_s } };
        qsizetype row = 0;
        for (const QByteArray& line : hdtest::readData(u"etcd-3.5-health-formats.txt"_s).split('\n')) {
            if (line.isEmpty() || !std::isdigit(static_cast<unsigned char>(line.at(0))))
                continue;
            QVERIFY(row < expected.size());
            const qsizetype close = line.lastIndexOf('}') + 1;
            QByteArray body = line.mid(line.indexOf('{'), close - line.indexOf('{'));
            if (line.mid(close).startsWith("\\n"))
                body += '\n';
            addRow(u"etcd 3.5 "_s + QString::fromUtf8(body.trimmed()), body, text, line.split(' ').first().toInt(),
                { u"etcd"_s, expected.at(row).first, expected.at(row).second });
            ++row;
        }
        QCOMPARE(row, expected.size());
    }

    {
        const QByteArray health = hdtest::readData(u"docker-inspect-state-health.json"_s);
        const Expect unhealthy { u"docker"_s, u"down"_s,
            u"curl: (7) Failed to connect to localhost port 80: Connection refused; failing streak 3"_s };
        addRow(u"docker State.Health, bare"_s, health, json, 0, unhealthy);
        const QJsonObject inspect { { u"State"_s,
            QJsonObject {
                { u"Status"_s, u"running"_s }, { u"Health"_s, QJsonDocument::fromJson(health).object() } } } };
        addRow(u"docker State.Health inside State"_s, QJsonDocument(inspect).toJson(), json, 0, unhealthy);
    }

    {
        const QJsonObject conventions
            = QJsonDocument::fromJson(hdtest::readData(u"redis-health-key-conventions.json"_s)).object();
        const QByteArray value = conventions.value(u"patterns")
                                     .toArray()
                                     .at(0)
                                     .toObject()
                                     .value(u"write")
                                     .toArray()
                                     .at(3)
                                     .toString()
                                     .toUtf8();
        QVERIFY(value.contains("last_activity"));
        addRow(u"redis heartbeat from the key conventions"_s, value, QByteArray(), 0, { u"heartbeat"_s, u"ok"_s });
    }

    for (const QString& file : { u"prometheus-2.42-healthy-200.txt"_s, u"prometheus-2.42-ready-200.txt"_s,
             u"prometheus-2.42-ready-503.txt"_s }) {
        const auto [code, body] = httpResponse(hdtest::readData(file));
        QVERIFY(code == 200 || code == 503);
        addRow(u"prometheus plain text is no format: "_s + file, body, text, code, kNone);
    }
}

void TestBodyFormat::kubernetesCases_data()
{
    addColumns();
    // One expectation per distinct body; "NAME" stands for the endpoint (healthz, ready).
    const QHash<QByteArray, Expect> byBody {
        { "ok", { u"seed"_s, u"ok"_s } },
        { "[+]ping ok\nNAME check passed\n", { u"k8s"_s, u"ok"_s, QString(), { u"ping=ok"_s } } },
        { "[+]ping ok\n[+]bad excluded: ok\nNAME check passed\n",
            { u"k8s"_s, u"ok"_s, QString(), { u"ping=ok"_s, u"bad=ok"_s }, { u"bad=excluded"_s } } },
        { "[+]ping ok\nwarn: some health checks cannot be excluded: no matches for \"dontexist\"\nNAME check passed\n",
            { u"k8s"_s, u"ok"_s, u"some health checks cannot be excluded: no matches for \"dontexist\""_s,
                { u"ping=ok"_s } } },
        { "[+]ping ok\n[-]bad failed: reason withheld\nNAME check failed\n",
            { u"k8s"_s, u"down"_s, u"bad: reason withheld"_s, { u"ping=ok"_s, u"bad=down"_s },
                { u"bad=reason withheld"_s } } },
        { "internal server error: this will fail\n", kNone },
    };
    const QJsonArray cases = QJsonDocument::fromJson(hdtest::readData(u"kubernetes-healthz-cases.json"_s))
                                 .object()
                                 .value(u"cases")
                                 .toArray();
    QCOMPARE(cases.size(), 22);
    for (qsizetype i = 0; i < cases.size(); ++i) {
        const QJsonObject c = cases.at(i).toObject();
        const QByteArray body = c.value(u"expected_body").toString().toUtf8();
        QByteArray key = body;
        key.replace("healthz check", "NAME check").replace("ready check", "NAME check");
        QVERIFY2(byBody.contains(key), body.constData());
        const int status = c.value(u"expected_status").toInt();
        addRow(u"case %1 %2 -> %3"_s.arg(i + 1).arg(c.value(u"request").toString()).arg(status), body,
            c.value(u"content_type").toString().toUtf8(), status, byBody.value(key));
    }
}

// Seed bodies are composed from docs/contract.md §7 (not from the fixture folder).
void TestBodyFormat::seedServices_data()
{
    addColumns();
    const QByteArray json = "application/json";
    addRow(u"cli script ok"_s,
        R"({"status":"ok","mode":"readiness","checks":{"database":true,"redis":true},"details":{"database":"connected"}})",
        QByteArray(), 0, { u"seed"_s, u"ok"_s, QString(), { u"database=ok"_s, u"redis=ok"_s } });
    addRow(u"cli script fail, reason inside details"_s,
        R"({"status":"fail","mode":"liveness","checks":{"database":false,"redis":true},"details":{"error":"connection refused"}})",
        QByteArray(), 0, { u"seed"_s, u"down"_s, u"connection refused"_s, { u"database=down"_s, u"redis=ok"_s } });
    addRow(u"django ready"_s, R"({"status":"ready","checks":{"database":true,"cache":true}})", json, 200,
        { u"seed"_s, u"ok"_s, QString(), { u"cache=ok"_s, u"database=ok"_s } });
    addRow(u"django not_ready names the failing check"_s,
        R"({"status":"not_ready","checks":{"database":false,"cache":true}})", json, 503,
        { u"seed"_s, u"down"_s, u"database"_s, { u"cache=ok"_s, u"database=down"_s } });
    addRow(u"django starting behind 503"_s, R"({"status":"starting","checks":{"database":true}})", json, 503,
        { u"seed"_s, u"starting"_s, QString(), { u"database=ok"_s } });
    addRow(u"django started"_s, R"({"status":"started","checks":{"database":true}})", json, 200,
        { u"seed"_s, u"ok"_s, QString(), { u"database=ok"_s } });
    addRow(u"django ping plain ok"_s, "ok", "text/plain", 200, { u"seed"_s, u"ok"_s });
    addRow(u"fastapi success"_s, R"({"status":"success","data":{"health":"ok"}})", json, 200, { u"seed"_s, u"ok"_s });
    addRow(u"fastapi 500 error"_s, R"({"status":"error","error":"database connection failed"})", json, 500,
        { u"seed"_s, u"down"_s, u"database connection failed"_s });
    addRow(u"fastapi detailed checks"_s,
        R"({"status":"degraded","checks":{"database":{"status":"healthy","response_time_ms":3.2,"details":"PostgreSQL 15"},)"
        R"("redis":{"status":"unhealthy","response_time_ms":2001,"details":{"error":"Timeout connecting to server"}}}})",
        json, 200,
        { u"seed"_s, u"degraded"_s, u"redis: Timeout connecting to server"_s, { u"database=ok"_s, u"redis=down"_s },
            { u"database=PostgreSQL 15"_s, u"redis=Timeout connecting to server"_s } });
    addRow(u"flask trading health with top-level sub-checks"_s,
        R"({"status":"healthy","database":"healthy","redis":"unhealthy","timestamp":"2026-11-22T10:15:00Z","version":"2.1.0"})",
        json, 200, { u"seed"_s, u"ok"_s, QString(), { u"database=ok"_s, u"redis=down"_s } });
    addRow(u"flask not_ready with an object error"_s,
        R"({"status":"not_ready","error":{"database":"connection refused"}})", json, 503,
        { u"seed"_s, u"down"_s, uR"({"database":"connection refused"})"_s });
    addRow(u"reason keys in order, empty ones skipped"_s,
        R"({"status":"fail","error":"","output":"disk full","message":"later"})", json, 200,
        { u"seed"_s, u"down"_s, u"disk full"_s });
    addRow(u"status words are case-insensitive"_s, R"({"status":"HEALTHY"})", json, 200, { u"seed"_s, u"ok"_s });
    addRow(u"Not_Ready mixed case"_s, R"({"status":"Not_Ready"})", json, 503, { u"seed"_s, u"down"_s });
    addRow(u"status unknown"_s, R"({"status":"unknown"})", json, 200, { u"seed"_s, u"unknown"_s });
    addRow(u"warn word"_s, R"({"status":"warning","message":"slow disk"})", json, 200,
        { u"seed"_s, u"degraded"_s, u"slow disk"_s });

    // Heartbeat values as the services write them with SETEX (docs/contract.md §7).
    const QByteArray beat = R"("last_activity":"2026-11-22T11:12:00Z","error_count":0,"processed_count":1234)";
    addRow(u"heartbeat healthy"_s, "{" + beat + R"(,"connected":true,"status":"healthy"})", QByteArray(), 0,
        { u"heartbeat"_s, u"ok"_s });
    addRow(u"heartbeat degraded"_s, "{" + beat + R"(,"connected":true,"status":"degraded"})", QByteArray(), 0,
        { u"heartbeat"_s, u"degraded"_s });
    addRow(u"heartbeat healthy but not connected"_s, "{" + beat + R"(,"connected":false,"status":"healthy"})",
        QByteArray(), 0, { u"heartbeat"_s, u"degraded"_s, u"not connected"_s });
    addRow(u"heartbeat unhealthy"_s, "{" + beat + R"(,"connected":true,"status":"unhealthy","error":"feed lost"})",
        QByteArray(), 0, { u"heartbeat"_s, u"down"_s, u"feed lost"_s });
    addRow(u"heartbeat unhealthy and not connected stays down"_s,
        "{" + beat + R"(,"connected":false,"status":"unhealthy"})", QByteArray(), 0,
        { u"heartbeat"_s, u"down"_s, u"not connected"_s });
    addRow(u"heartbeat starting"_s, "{" + beat + R"(,"connected":true,"status":"starting"})", QByteArray(), 0,
        { u"heartbeat"_s, u"starting"_s });
    addRow(u"heartbeat without status"_s, "{" + beat + R"(,"connected":true})", QByteArray(), 0,
        { u"heartbeat"_s, u"ok"_s });

    // Constructed from the Docker Engine API schema.
    addRow(u"docker healthy"_s, R"({"Status":"healthy","FailingStreak":0,"Log":[]})", QByteArray(), 0,
        { u"docker"_s, u"ok"_s });
    addRow(u"docker starting"_s, R"({"Status":"starting","FailingStreak":0})", QByteArray(), 0,
        { u"docker"_s, u"starting"_s });

    // Constructed from the Actuator docs: nested components with a reason in details.error.
    addRow(u"spring down with nested reason"_s,
        R"({"status":"DOWN","components":{"db":{"status":"DOWN","components":{"primary":{"status":"DOWN",)"
        R"("details":{"error":"java.net.ConnectException: Connection refused"}},"replica":{"status":"UP"}}},)"
        R"("ping":{"status":"UP"}}})",
        json, 503,
        { u"spring"_s, u"down"_s, u"db/primary: java.net.ConnectException: Connection refused"_s,
            { u"db=down"_s, u"db/primary=down"_s, u"db/replica=ok"_s, u"ping=ok"_s },
            { u"db/primary=java.net.ConnectException: Connection refused"_s } });
    addRow(u"spring OUT_OF_SERVICE"_s, R"({"status":"OUT_OF_SERVICE"})", json, 503, { u"spring"_s, u"down"_s });
    addRow(u"spring bare UP with groups"_s, R"({"status":"UP","groups":["liveness","readiness"]})", json, 200,
        { u"spring"_s, u"ok"_s });
}

void TestBodyFormat::httpStatusInterplay_data()
{
    addColumns();
    const QByteArray json = "application/json";
    addRow(u"ok body behind 503 is down"_s, R"({"status":"ok"})", json, 503,
        { u"seed"_s, u"down"_s, u"HTTP 503 although the body says ok"_s });
    addRow(u"ok body behind 503 keeps its own message"_s, R"({"status":"ok","message":"draining"})", json, 503,
        { u"seed"_s, u"down"_s, u"HTTP 503 although the body says ok: draining"_s });
    addRow(u"spring UP behind 500"_s, R"({"status":"UP"})", json, 500,
        { u"spring"_s, u"down"_s, u"HTTP 500 although the body says UP"_s });
    addRow(u"aspnet Healthy behind 503"_s, "Healthy", "text/plain", 503,
        { u"aspnet"_s, u"down"_s, u"HTTP 503 although the body says Healthy"_s });
    addRow(u"etcd true behind 503"_s, R"({"health":"true"})", "text/plain", 503,
        { u"etcd"_s, u"down"_s, u"HTTP 503 although the body says health true"_s });
    addRow(u"k8s passed behind 500"_s, "[+]ping ok\nreadyz check passed\n", "text/plain", 500,
        { u"k8s"_s, u"down"_s, u"HTTP 500 although the body says readyz check passed"_s, { u"ping=ok"_s } });
    addRow(u"ok body behind 399 stays ok"_s, R"({"status":"ok"})", json, 399, { u"seed"_s, u"ok"_s });
    addRow(u"body worse than 200 wins"_s, R"({"status":"unhealthy","error":"disk full"})", json, 200,
        { u"seed"_s, u"down"_s, u"disk full"_s });
    addRow(u"degraded body behind 200"_s, R"({"status":"degraded"})", json, 200, { u"seed"_s, u"degraded"_s });
    addRow(u"items do not override the top-level word"_s, R"({"status":"ok","checks":{"db":false}})", json, 200,
        { u"seed"_s, u"ok"_s, QString(), { u"db=down"_s } });
    addRow(u"no top-level word: worst item"_s, R"({"checks":{"db":true,"cache":false}})", json, 200,
        { u"seed"_s, u"down"_s, u"cache"_s, { u"cache=down"_s, u"db=ok"_s } });
    addRow(u"no top-level word, all items ok, behind 503"_s, R"({"checks":{"db":true}})", json, 503,
        { u"seed"_s, u"down"_s, u"HTTP 503 although the body says ok"_s, { u"db=ok"_s } });
    addRow(u"k8s without trailer: worst item"_s, "[+]ping ok\n[-]etcd failed: reason withheld\n", "text/plain", 500,
        { u"k8s"_s, u"down"_s, u"etcd: reason withheld"_s, { u"ping=ok"_s, u"etcd=down"_s },
            { u"etcd=reason withheld"_s } });
    addRow(u"heartbeat has no HTTP status"_s, R"({"last_activity":1763809920,"connected":true,"status":"healthy"})",
        QByteArray(), 0, { u"heartbeat"_s, u"ok"_s });
}

void TestBodyFormat::badInput_data()
{
    addColumns();
    const QByteArray json = "application/json";
    addRow(u"0-byte body"_s, QByteArray(), json, 200, kNone);
    addRow(u"whitespace only"_s, " \r\n\t ", "text/plain", 200, kNone);
    addRow(u"truncated JSON"_s, R"({"status":"ok")", json, 200, kNone);
    addRow(u"bare word inside JSON"_s, R"({"status": ok})", json, 200, kNone);
    addRow(u"invalid UTF-8 in JSON"_s, "{\"status\":\"ok\xff\"}", json, 200, kNone);
    addRow(u"invalid UTF-8 in text"_s, "ok\xc3", "text/plain", 200, kNone);
    addRow(u"invalid UTF-8 inside k8s text"_s, "[+]ping ok\n[-]etcd failed: \xff\xfe\nreadyz check failed\n",
        "text/plain", 500, kNone);
    addRow(u"overlong UTF-8"_s, "\xc0\xaf", "text/plain", 200, kNone);
    addRow(u"JSON array"_s, R"([{"status":"ok"}])", json, 200, kNone);
    addRow(u"JSON string"_s, R"("ok")", json, 200, kNone);
    addRow(u"JSON number"_s, "42", json, 200, kNone);
    QByteArray everyByte;
    for (int i = 0; i < 256; ++i)
        everyByte.append(char(i));
    addRow(u"binary, every byte value"_s, everyByte.repeated(4), "application/octet-stream", 200, kNone);
    addRow(u"binary that is valid UTF-8"_s, QByteArray("\x00\x01\x02ok", 5), "application/octet-stream", 200, kNone);
    addRow(u"object without a status"_s, R"({"message":"hello"})", json, 200, kNone);
    addRow(u"unknown status word"_s, R"({"status":"weird"})", json, 200, kNone);
    addRow(u"numeric status"_s, R"({"status":200})", json, 200, kNone);
    addRow(u"html error page"_s, "<html><body>502 Bad Gateway</body></html>", "text/html", 502, kNone);
    addRow(u"k8s-looking text with a stray line"_s, "[+]ping ok\nhello there\n", "text/plain", 200, kNone);
    addRow(u"two words"_s, "ok then", "text/plain", 200, kNone);
    addRow(u"10000 nested arrays"_s, nested(10000, "[", "", "]"), json, 200, kNone);
    addRow(
        u"10000 nested objects around a status"_s, nested(10000, R"({"status":"ok","a":)", "1", "}"), json, 200, kNone);
    addRow(u"unclosed 10000 nested objects"_s, QByteArray(R"({"a":)").repeated(10000), json, 200, kNone);
}

// recognizeBody relies on the parser's depth limit to bound its recursion.
void TestBodyFormat::prometheusBodies_data()
{
    addColumns();
    const QByteArray text004 = "text/plain; version=0.0.4; charset=utf-8";
    const QByteArray openMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    const QByteArray messenger = hdtest::readData(u"prometheus/messenger-metrics.txt"_s);
    const QByteArray ownMetrics = hdtest::readData(u"prometheus/prometheus-2.42-metrics-excerpt.txt"_s);

    // One sub-check per `check` value, as Actuator's components; any 0 makes the service down.
    addRow(u"health family, one down"_s, messenger, text004, 200,
        { u"prometheus"_s, u"down"_s, u"redis"_s, { u"database=ok"_s, u"redis=down"_s, u"kafka=ok"_s } });
    QByteArray allUp = messenger;
    allUp.replace("{check=\"redis\"} 0", "{check=\"redis\"} 1");
    addRow(u"health family, all up"_s, allUp, text004, 200,
        { u"prometheus"_s, u"ok"_s, {}, { u"database=ok"_s, u"redis=ok"_s, u"kafka=ok"_s } });
    addRow(u"health family, by content alone"_s, messenger, "text/plain", 200,
        { u"prometheus"_s, u"down"_s, u"redis"_s, { u"database=ok"_s, u"redis=down"_s, u"kafka=ok"_s } });
    addRow(u"health family, openmetrics"_s,
        "# TYPE app_health_check_status gauge\napp_health_check_status{check=\"db\"} 1\n"
        "app_health_check_status{check=\"cache\"} 0.5\n# EOF\n",
        openMetrics, 200,
        { u"prometheus"_s, u"unknown"_s, u"cache: value 0.5"_s, { u"db=ok"_s, u"cache=unknown"_s },
            { u"cache=value 0.5"_s } });
    addRow(u"health family, the same check twice keeps the worse"_s,
        "a_health_check_status{check=\"db\",pod=\"1\"} 1\na_health_check_status{check=\"db\",pod=\"2\"} 0\n"
        "a_health_check_status{other=\"x\"} 0\n",
        text004, 200, { u"prometheus"_s, u"down"_s, u"db"_s, { u"db=down"_s } });
    addRow(u"health family, HTTP 503 although all up"_s, allUp, text004, 503,
        { u"prometheus"_s, u"down"_s, u"HTTP 503 although the body says ok"_s,
            { u"database=ok"_s, u"redis=ok"_s, u"kafka=ok"_s } });
    // Metrics without a health family: recognised, and having parsed is all the body says.
    addRow(u"prometheus own metrics"_s, ownMetrics, text004, 200, { u"prometheus"_s, u"ok"_s });
    addRow(u"prometheus own metrics, by content"_s, ownMetrics, "text/plain; charset=utf-8", 200,
        { u"prometheus"_s, u"ok"_s });
    addRow(u"metrics with HTTP 500: the status decides, as for any body"_s, ownMetrics, text004, 500,
        { u"prometheus"_s, u"down"_s });
    addRow(u"bare samples, declared"_s, "up 1\n", text004, 200, { u"prometheus"_s, u"ok"_s });
    // Not clearly Prometheus text: falls through to what the body is otherwise.
    addRow(u"bare samples, undeclared"_s, "up 1\n", "text/plain", 200, kNone);
    addRow(u"invalid exposition, declared"_s, "# TYPE a gauge\na{b=\"c} 1\n", text004, 200, kNone);
    addRow(u"invalid exposition, by content"_s, "# HELP a x\na one\n", "text/plain", 200, kNone);
    addRow(u"openmetrics without # EOF"_s, "# TYPE a gauge\na 1\n", openMetrics, 200, kNone);
    addRow(u"a status word, declared as metrics"_s, "ok", text004, 200, { u"seed"_s, u"ok"_s });
}

void TestBodyFormat::prometheusVerdictCarriesTheParse()
{
    const QByteArray body = hdtest::readData(u"prometheus/messenger-metrics.txt"_s);
    const BodyVerdict v = recognizeBody(body, "text/plain; version=0.0.4", 200);
    QVERIFY(v.metrics);
    QVERIFY(v.metrics->ok());
    QCOMPARE(v.metrics->find(u"messenger_health_check_status").size(), 3);
    QVERIFY(!recognizeBody(R"({"status":"UP"})", "application/json", 200).metrics);
}

void TestBodyFormat::parserRejectsDeepNesting()
{
    QJsonParseError error;
    QJsonDocument::fromJson(nested(10000, "[", "", "]"), &error);
    QCOMPARE(error.error, QJsonParseError::DeepNesting);
    QJsonDocument::fromJson(nested(10000, R"({"a":)", "1", "}"), &error);
    QCOMPARE(error.error, QJsonParseError::DeepNesting);
}

void TestBodyFormat::deepLegalNestingIsWalked()
{
    const int depth = 300; // two JSON levels each, inside the parser's limit
    const QByteArray body = nested(depth, R"({"status":"UP","components":{"c":)", R"({"status":"DOWN"})", "}}");
    QJsonParseError error;
    QJsonDocument::fromJson(body, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);

    const BodyVerdict v = recognizeBody(body, "application/json", 200);
    QCOMPARE(v.format, u"spring"_s);
    QCOMPARE(v.status.value_or(hd::Status::Unknown), hd::Status::Ok);
    QCOMPARE(v.items.size(), depth);
    QStringList path(depth, u"c"_s);
    QCOMPARE(v.items.last().name, path.join(u'/'));
    QCOMPARE(v.items.last().status, hd::Status::Down);
}

QTEST_GUILESS_MAIN(TestBodyFormat)
#include "tst_bodyformat.moc"
