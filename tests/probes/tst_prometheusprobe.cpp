#include "config/configloader.h"
#include "health/checkrows.h"
#include "probes/prometheusprobe.h"
#include "support/testutil.h"

#include <QtTest>
#include <cmath>

using namespace hd;
using namespace Qt::StringLiterals;

namespace {

ProbeResult answer(int status, const QByteArray& body)
{
    ProbeResult r;
    r.outcome = ProbeResult::Outcome::Completed;
    r.connected = true;
    r.status = status;
    r.body = body;
    r.contentType = "application/json";
    r.latencyMs = 3;
    r.finishedAt = QDateTime::currentDateTimeUtc();
    return r;
}

Config load(const QByteArray& yaml)
{
    const ConfigLoadResult r = loadConfigString(yaml, u"prom.yaml"_s, QProcessEnvironment());
    if (!r.ok())
        qWarning().noquote() << r.errorText();
    return r.config.value_or(Config {});
}

const QByteArray kTwoTargets = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[\n"
                               " {\"metric\":{\"__name__\":\"up\",\"job\":\"trading\",\"instance\":\"127.0.0.1:9101\"},"
                               "\"value\":[1795345872.2,\"1\"]},\n"
                               " {\"metric\":{\"__name__\":\"up\",\"job\":\"trading\",\"instance\":\"127.0.0.1:9100\"},"
                               "\"value\":[1795345872.2,\"0\"]}]}}";

} // namespace

class TestPrometheusProbe : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void itemNameIsLabelsInNameOrderWithoutName()
    {
        QMap<QString, QString> labels { { u"job"_s, u"trading"_s }, { u"__name__"_s, u"up"_s },
            { u"instance"_s, u"127.0.0.1:9100"_s } };
        QCOMPARE(prometheusItemName(labels), u"instance=127.0.0.1:9100,job=trading"_s);
        QCOMPARE(prometheusItemName({}), QString());
    }

    void liveQueryAnswerBecomesOneItemPerSeries()
    {
        const ProbeResult r
            = prometheusQueryResult(answer(200, hdtest::readData(u"prometheus-2.42-api-v1-query-up.json"_s)));
        QVERIFY(r.completed());
        QCOMPARE(r.items.size(), 1);
        const ProbeResult& s = r.items.first();
        QCOMPARE(s.item, u"instance=127.0.0.1:19090,job=self"_s);
        QCOMPARE(s.seriesValue, std::optional<double>(1.0));
        QCOMPARE(s.seriesLabels.value(u"__name__"_s), u"up"_s);
        QCOMPARE(s.seriesLabels.value(u"job"_s), u"self"_s);
        QCOMPARE(s.status, 200);
    }

    void liveBadQueryIsUnknownWithPrometheusWords()
    {
        const ProbeResult r
            = prometheusQueryResult(answer(400, hdtest::readData(u"prometheus-2.42-api-v1-query-error-400.json"_s)));
        QCOMPARE(r.outcome, ProbeResult::Outcome::Misconfigured);
        QVERIFY2(r.error.startsWith(u"Prometheus answered HTTP 400 bad_data: invalid parameter \"query\""_s),
            qPrintable(r.error));
        QVERIFY(r.items.isEmpty());
    }

    void otherErrorsNameTheirType_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("words");
        QTest::newRow("422 execution")
            << 422
            << QByteArray("{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query processing would load "
                          "too many samples into memory\"}")
            << u"Prometheus answered HTTP 422 execution: query processing would load too many samples into memory"_s;
        QTest::newRow("503 unavailable")
            << 503 << QByteArray("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"not ready\"}")
            << u"Prometheus answered HTTP 503 unavailable: not ready"_s;
    }
    void otherErrorsNameTheirType()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, words);
        const ProbeResult r = prometheusQueryResult(answer(status, body));
        QCOMPARE(r.outcome, ProbeResult::Outcome::Misconfigured);
        QCOMPARE(r.error, words);
    }

    void notAnApiAnswerIsDown()
    {
        const ProbeResult r = prometheusQueryResult(answer(200, "<html>login</html>"));
        QCOMPARE(r.outcome, ProbeResult::Outcome::ProtocolError);
        QVERIFY2(r.error.contains(u"not a Prometheus API answer"_s), qPrintable(r.error));
        QCOMPARE(prometheusQueryResult(answer(401, "")).outcome, ProbeResult::Outcome::AuthRejected);
    }

    void transportFailuresPassThrough()
    {
        ProbeResult refused;
        refused.outcome = ProbeResult::Outcome::Refused;
        refused.error = u"connection refused"_s;
        const ProbeResult r = prometheusQueryResult(refused);
        QCOMPARE(r.outcome, ProbeResult::Outcome::Refused);
        QCOMPARE(r.error, u"connection refused"_s);
    }

    void specialValuesScalarsAndMatrices()
    {
        const ProbeResult v = prometheusQueryResult(answer(200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[\n"
            "            "
            "{\"metric\":{\"q\":\"a\"},\"value\":[1,\"NaN\"]},{\"metric\":{\"q\":\"b\"},\"value\":[1,\"+Inf\"]},{"
            "\"metric\":{\"q\":\"c\"},\"value\":[1,\"-Inf\"]}]}}"));
        QCOMPARE(v.items.size(), 3);
        QVERIFY(std::isnan(*v.items[0].seriesValue));
        QVERIFY(std::isinf(*v.items[1].seriesValue) && *v.items[1].seriesValue > 0);
        QVERIFY(std::isinf(*v.items[2].seriesValue) && *v.items[2].seriesValue < 0);

        const ProbeResult s = prometheusQueryResult(
            answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"42.5\"]}}"));
        QCOMPARE(s.items.size(), 1);
        QCOMPARE(s.items.first().item, QString());
        QCOMPARE(s.items.first().seriesValue, std::optional<double>(42.5));

        const ProbeResult m = prometheusQueryResult(answer(200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"job\":\"x\"},"
            "\"values\":[[1,\"1\"],[2,\"7\"]]}]}}"));
        QCOMPARE(m.items.size(), 1);
        QCOMPARE(m.items.first().seriesValue, std::optional<double>(7));

        const ProbeResult str = prometheusQueryResult(
            answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,\"x\"]}}"));
        QCOMPARE(str.outcome, ProbeResult::Outcome::Misconfigured);
    }

    void seriesToldApartOnlyByNameKeepBothRows()
    {
        const ProbeResult r = prometheusQueryResult(answer(200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[\n"
            "            "
            "{\"metric\":{\"__name__\":\"a\",\"job\":\"x\"},\"value\":[1,\"1\"]},{\"metric\":{\"__name__\":\"b\","
            "\"job\":\"x\"},\"value\":[1,\"2\"]}]}}"));
        QCOMPARE(r.items.size(), 2);
        QCOMPARE(r.items[0].item, u"job=x"_s);
        QCOMPARE(r.items[1].item, u"job=x,__name__=b"_s);
    }

    void configBuildsTheQueryUrl()
    {
        const Config c = load("\n"
                              "services:\n"
                              "  - name: fleet\n"
                              "    checks:\n"
                              "      - name: targets-up\n"
                              "        prometheus: { url: \"http://127.0.0.1:9090/\", query: 'up{job=\"trading\"} + "
                              "0', auth: { bearer: \"${T}\" } }\n"
                              "        conditions: [\"[VALUE] == 1\"]\n"
                              "        empty: ok\n"
                              "");
        QCOMPARE(c.services.size(), 1);
        const CheckConfig& check = c.services.first().checks.first();
        QCOMPARE(check.kind, ProbeKind::Prometheus);
        QCOMPARE(check.prometheus().query, u"up{job=\"trading\"} + 0"_s);
        QVERIFY(check.prometheus().emptyOk);
        QCOMPARE(check.http.url.path(), u"/api/v1/query"_s);
        QCOMPARE(
            QUrlQuery(check.http.url).queryItemValue(u"query"_s, QUrl::FullyDecoded), u"up{job=\"trading\"} + 0"_s);
        QCOMPARE(check.http.method, QByteArray("GET"));
    }

    void configMistakesAreLocated_data()
    {
        QTest::addColumn<QByteArray>("check");
        QTest::addColumn<QString>("message");
        QTest::newRow("no query") << QByteArray("prometheus: { url: \"http://127.0.0.1:9090\" }")
                                  << u"prom.yaml:6:9: a prometheus check needs a query"_s;
        QTest::newRow("no url") << QByteArray("prometheus: { query: up }")
                                << u"a prometheus check needs the server's url"_s;
        QTest::newRow("bad empty") << QByteArray(
            "prometheus: { url: \"http://127.0.0.1:9090\", query: up }\n        empty: maybe")
                                   << u"bad 'empty' 'maybe': use down (the default) or ok"_s;
        QTest::newRow("empty on http") << QByteArray("http: { url: \"http://127.0.0.1:9090\" }\n        empty: ok")
                                       << u"'empty' applies to prometheus checks only"_s;
    }
    void configMistakesAreLocated()
    {
        QFETCH(QByteArray, check);
        QFETCH(QString, message);
        const QByteArray yaml = "\nservices:\n  - name: fleet\n    checks:\n      - name: q\n        " + check + "\n";
        const ConfigLoadResult r = loadConfigString(yaml, u"prom.yaml"_s, QProcessEnvironment());
        QVERIFY(!r.ok());
        QVERIFY2(r.errorText().contains(message), qPrintable(r.errorText()));
    }

    void rowsPerSeriesAndTheEmptySetting()
    {
        const Config c = load("\n"
                              "services:\n"
                              "  - name: fleet\n"
                              "    checks:\n"
                              "      - name: up\n"
                              "        prometheus: { url: \"http://127.0.0.1:9090\", query: up }\n"
                              "        conditions: [\"[VALUE] == 1\"]\n"
                              "      - name: up-or-none\n"
                              "        prometheus: { url: \"http://127.0.0.1:9090\", query: up }\n"
                              "        empty: ok\n"
                              "");
        const CheckConfig& check = c.services.first().checks.at(0);
        const CheckEvaluator evaluator(check);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QList<CheckRow> rows
            = rowsForResult(check, evaluator, prometheusQueryResult(answer(200, kTwoTargets)), now, {});
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].key, u"fleet/up/instance=127.0.0.1:9101,job=trading"_s);
        QCOMPARE(rows[0].status, Status::Ok);
        QCOMPARE(rows[1].key, u"fleet/up/instance=127.0.0.1:9100,job=trading"_s);
        QCOMPARE(rows[1].status, Status::Down);

        const QByteArray none = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
        const QList<CheckRow> empty
            = rowsForResult(check, evaluator, prometheusQueryResult(answer(200, none)), now, {});
        QCOMPARE(empty.size(), 1);
        QCOMPARE(empty.first().key, u"fleet/up"_s);
        QCOMPARE(empty.first().status, Status::Down);
        QCOMPARE(empty.first().detail, u"query returned no series"_s);

        const CheckConfig& emptyOk = c.services.first().checks.at(1);
        const QList<CheckRow> ok
            = rowsForResult(emptyOk, CheckEvaluator(emptyOk), prometheusQueryResult(answer(200, none)), now, {});
        QCOMPARE(ok.size(), 1);
        QCOMPARE(ok.first().status, Status::Ok);

        const QList<CheckRow> bad = rowsForResult(check, evaluator,
            prometheusQueryResult(answer(400, hdtest::readData(u"prometheus-2.42-api-v1-query-error-400.json"_s))), now,
            {});
        QCOMPARE(bad.size(), 1);
        QCOMPARE(bad.first().status, Status::Unknown);
        QVERIFY(bad.first().detail.contains(u"bad_data"_s));
    }
};

QTEST_GUILESS_MAIN(TestPrometheusProbe)
#include "tst_prometheusprobe.moc"
