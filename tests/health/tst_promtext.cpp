#include "health/promtext.h"
#include "support/testutil.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace hd::prom;
using namespace Qt::StringLiterals;

namespace {

QJsonObject readJson(const QString& file)
{
    return QJsonDocument::fromJson(hdtest::readData(file)).object();
}

QByteArray caseInput(const QJsonObject& c)
{
    if (c.contains(u"input_base64"))
        return QByteArray::fromBase64(c.value(u"input_base64").toString().toLatin1());
    return c.value(u"input").toString().toUtf8();
}

QString describe(const Exposition& e)
{
    return e.error ? e.error->toString() : QStringLiteral("accepted");
}

Labels labels(std::initializer_list<std::pair<QString, QString>> pairs)
{
    return Labels(pairs);
}

const Sample* only(const Exposition& e, const QString& name, const Labels& match = {})
{
    const QList<qsizetype> found = e.find(name, match);
    return found.size() == 1 ? &e.samples[found.first()] : nullptr;
}

} // namespace

class TestPromText : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void expfmtValid_data();
    void expfmtValid();
    void expfmtErrors_data();
    void expfmtErrors();
    void expfmtShapes();
    void expfmtTestdataParsesCompletely();
    void openMetricsSuite_data();
    void openMetricsSuite();
    void openMetricsShapes();
    void prometheusOwnMetrics();
    void seedExample();
    void formatFromContentTypeAndBody_data();
    void formatFromContentTypeAndBody();
    void writersRoundTrip();
    void hostileInput_data();
    void hostileInput();
};

void TestPromText::expfmtValid_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("quotedNames");
    const QJsonArray cases
        = readJson(QStringLiteral("prometheus/expfmt-text-parse-cases.json")).value(u"valid").toArray();
    QCOMPARE(cases.size(), 18);
    for (const QJsonValue& v : cases) {
        const QJsonObject c = v.toObject();
        QTest::addRow("valid-%d", c.value(u"index").toInt())
            << caseInput(c) << c.value(u"uses_quoted_utf8_names").toBool();
    }
}

void TestPromText::expfmtValid()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, quotedNames);
    const Exposition utf8 = parse(input, Format::Text, NameScheme::Utf8);
    QVERIFY2(utf8.ok(), qPrintable(describe(utf8)));
    // Quoted names only pass the legacy scheme when they would be valid unquoted; these are not.
    const Exposition legacy = parse(input, Format::Text, NameScheme::Legacy);
    QCOMPARE(legacy.ok(), !quotedNames);
}

void TestPromText::expfmtErrors_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("utf8Prefix"); // empty: accepted under the UTF-8 scheme
    QTest::addColumn<QString>("legacyPrefix");
    const QJsonArray cases
        = readJson(QStringLiteral("prometheus/expfmt-text-parse-cases.json")).value(u"errors").toArray();
    QCOMPARE(cases.size(), 48);
    for (const QJsonValue& v : cases) {
        const QJsonObject c = v.toObject();
        QTest::addRow("error-%d", c.value(u"index").toInt())
            << caseInput(c) << c.value(u"expected_error_prefix_utf8_scheme").toString()
            << c.value(u"expected_error_prefix_legacy_scheme").toString();
    }
}

// The messages are Prometheus' own, so that an operator can search for them.
void TestPromText::expfmtErrors()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, utf8Prefix);
    QFETCH(QString, legacyPrefix);
    const Exposition utf8 = parse(input, Format::Text, NameScheme::Utf8);
    if (utf8Prefix.isEmpty()) {
        QVERIFY2(utf8.ok(), qPrintable(describe(utf8)));
    } else {
        QVERIFY(!utf8.ok());
        QVERIFY2(
            utf8.error->toString().startsWith(utf8Prefix), qPrintable(describe(utf8) + u" / wanted " + utf8Prefix));
    }
    const Exposition legacy = parse(input, Format::Text, NameScheme::Legacy);
    QVERIFY(!legacy.ok());
    QVERIFY2(
        legacy.error->toString().startsWith(legacyPrefix), qPrintable(describe(legacy) + u" / wanted " + legacyPrefix));
}

void TestPromText::expfmtShapes()
{
    const QJsonArray valid
        = readJson(QStringLiteral("prometheus/expfmt-text-parse-cases.json")).value(u"valid").toArray();
    const auto input = [&](int i) { return caseInput(valid.at(i).toObject()); };

    // Case 1: bare samples, a timestamp, and a HELP for a metric with no samples (left out).
    Exposition e = parse(input(1), Format::Text);
    QVERIFY(e.ok());
    QCOMPARE(e.samples.size(), 3);
    QCOMPARE(e.families.size(), 3);
    QCOMPARE(e.samples[0].name, u"minimal_metric"_s);
    QCOMPARE(e.samples[0].value, 1.234);
    QCOMPARE(e.samples[1].value, -3e3);
    QVERIFY(e.samples[1].timestampMs == std::optional<double>(103948));
    QVERIFY(!e.samples[0].timestampMs);
    QVERIFY(e.samples[2].labels.isEmpty());

    // Case 2: escapes, blanks everywhere, NaN and infinities, HELP after the samples.
    e = parse(input(2), Format::Text);
    QVERIFY(e.ok());
    QCOMPARE(e.samples.size(), 4);
    QVERIFY(std::isnan(e.samples[0].value));
    QCOMPARE(e.samples[0].labels, labels({ { u"basename"_s, u"basevalue"_s }, { u"labelname"_s, u"val1"_s } }));
    QCOMPARE(e.samples[1].labels.first().second, u"base\"v\\al\nue");
    QVERIFY(e.samples[1].timestampMs == std::optional<double>(1234567890));
    QCOMPARE(e.samples[2].value, std::numeric_limits<double>::infinity());
    QCOMPARE(e.samples[3].value, -std::numeric_limits<double>::infinity());
    const Family* name = e.familyOf(e.samples[0]);
    QVERIFY(name);
    QVERIFY(name->type == MetricType::Counter);
    QCOMPARE(name->help, u"two-line\n doc  str\\ing"_s);
    QCOMPARE(e.familyOf(e.samples[2])->help, u"doc str\"ing 2");
    QVERIFY(e.familyOf(e.samples[2])->type == MetricType::Gauge);

    // Case 3: _sum and _count join their summary; fake_sum and decoy are families of their own.
    e = parse(input(3), Format::Text);
    QVERIFY(e.ok());
    const Sample* count = only(e, u"my_summary_count"_s, labels({ { u"n2"_s, u"val2"_s } }));
    QVERIFY(count);
    QCOMPARE(count->value, 5.0);
    QCOMPARE(e.familyOf(*count)->name, u"my_summary"_s);
    QCOMPARE(e.familyOf(*only(e, u"fake_sum"_s))->name, u"fake_sum"_s);
    QCOMPARE(only(e, u"my_summary_sum"_s, labels({ { u"n1"_s, u"val2"_s } }))->value, 8.0);
    QCOMPARE(only(e, u"my_summary"_s, labels({ { u"quantile"_s, u"0.2"_s } }))->value, 4711.0);

    // Case 4: a histogram, addressed by its sample names.
    e = parse(input(4), Format::Text);
    QVERIFY(e.ok());
    QCOMPARE(only(e, u"request_duration_microseconds_bucket"_s, labels({ { u"le"_s, u"172.8"_s } }))->value, 1524.0);
    QCOMPARE(only(e, u"request_duration_microseconds_count"_s)->value, 2693.0);
    QCOMPARE(e.families.size(), 1);
    QVERIFY(e.families[0].type == MetricType::Histogram);
    QCOMPARE(e.families[0].help, u"The response latency."_s);

    // Case 8: quoted UTF-8 names.
    e = parse(input(8), Format::Text);
    QVERIFY(e.ok());
    QCOMPARE(e.samples[1].name, u"gauge.name"_s);
    QCOMPARE(e.samples[1].labels, labels({ { u"name*2"_s, u"佖佥"_s }, { u"name.1"_s, u"Björn"_s } }));
    QCOMPARE(e.samples[1].value, 3.14e42);
}

void TestPromText::expfmtTestdataParsesCompletely()
{
    const QByteArray text = hdtest::readData(QStringLiteral("prometheus/expfmt-testdata-text.txt"));
    QCOMPARE(text.count('\n'), 322);
    qsizetype sampleLines = 0;
    for (const QByteArray& line : text.split('\n'))
        sampleLines += !line.trimmed().isEmpty() && !line.trimmed().startsWith('#');
    const Exposition e = parse(text, Format::Text);
    QVERIFY2(e.ok(), qPrintable(describe(e)));
    QCOMPARE(e.samples.size(), sampleLines);
    QCOMPARE(e.samples.last().line, 322);
    for (const Sample& s : e.samples)
        QVERIFY(e.familyOf(s));
}

void TestPromText::openMetricsSuite_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("shouldParse");
    const QJsonArray cases
        = readJson(QStringLiteral("prometheus/openmetrics-parser-tests.json")).value(u"cases").toArray();
    QCOMPARE(cases.size(), 211);
    int good = 0;
    for (const QJsonValue& v : cases) {
        const QJsonObject c = v.toObject();
        good += c.value(u"shouldParse").toBool();
        QTest::newRow(qPrintable(c.value(u"name").toString())) << caseInput(c) << c.value(u"shouldParse").toBool();
    }
    QCOMPARE(good, 44);
}

void TestPromText::openMetricsSuite()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, shouldParse);
    const Exposition e = parse(input, Format::OpenMetrics);
    QVERIFY2(e.ok() == shouldParse, qPrintable(describe(e)));
    if (!e.ok())
        QVERIFY(e.error->line > 0 && !e.error->message.isEmpty());
}

void TestPromText::openMetricsShapes()
{
    const QByteArray text = "# TYPE a counter\n"
                            "# HELP a he\\\\lp\n"
                            "# UNIT a \n"
                            "a_total{foo=\"b\\\"a\\nr\"} 1 1.5 # {trace_id=\"abc\"} 0.5 1.25\n"
                            "a_created 1.7e9\n"
                            "# TYPE b_seconds histogram\n"
                            "# UNIT b_seconds seconds\n"
                            "b_seconds_bucket{le=\"0.5\"} 1\n"
                            "b_seconds_bucket{le=\"+Inf\"} 2 # {x=\"y\"} 7\n"
                            "b_seconds_count 2\n"
                            "b_seconds_sum 3.5\n"
                            "# EOF\n";
    const Exposition e = parse(text, Format::OpenMetrics);
    QVERIFY2(e.ok(), qPrintable(describe(e)));
    QVERIFY(e.format == Format::OpenMetrics);
    QCOMPARE(e.families.size(), 2);
    QCOMPARE(e.families[0].name, u"a"_s);
    QCOMPARE(e.families[0].help, u"he\\lp"_s);
    QCOMPARE(e.families[1].unit, u"seconds"_s);
    const Sample& total = e.samples[0];
    QCOMPARE(total.name, u"a_total"_s);
    QCOMPARE(total.labels.first().second, u"b\"a\nr");
    QVERIFY(total.timestampMs == std::optional<double>(1500));
    QVERIFY(total.exemplar);
    QCOMPARE(total.exemplar->labels, labels({ { u"trace_id"_s, u"abc"_s } }));
    QCOMPARE(total.exemplar->value, 0.5);
    QVERIFY(total.exemplar->timestamp == std::optional<double>(1.25));
    QCOMPARE(e.familyOf(e.samples[1])->name, u"a"_s);
    QCOMPARE(only(e, u"b_seconds_bucket"_s, labels({ { u"le"_s, u"+Inf"_s } }))->exemplar->value, 7.0);
    QVERIFY(e.familyOf(e.samples.last())->type == MetricType::Histogram);

    // The error names the line.
    const Exposition bad = parse("# TYPE a gauge\na 1\na{b=\"c\"} 2 3\na 4\n# EOF\n", Format::OpenMetrics);
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error->line, 4);
}

void TestPromText::prometheusOwnMetrics()
{
    const QByteArray text = hdtest::readData(QStringLiteral("prometheus/prometheus-2.42-metrics-excerpt.txt"));
    const Exposition e = parse(text, formatOf("text/plain; version=0.0.4; charset=utf-8", text));
    QVERIFY2(e.ok(), qPrintable(describe(e)));
    QVERIFY(e.format == Format::Text);
    QVERIFY(e.samples.size() > 20);
    QCOMPARE(only(e, u"prometheus_ready"_s)->value, 1.0);
    QCOMPARE(only(e, u"go_info"_s)->labels, labels({ { u"version"_s, u"go1.19.8"_s } }));
    QCOMPARE(only(e, u"process_virtual_memory_max_bytes"_s)->value, 1.8446744073709552e19);
    const Sample* bucket = only(e, u"prometheus_http_request_duration_seconds_bucket"_s,
        labels({ { u"handler"_s, u"/-/healthy"_s }, { u"le"_s, u"+Inf"_s } }));
    QVERIFY(bucket);
    QCOMPARE(bucket->value, 2.0);
    QCOMPARE(e.familyOf(*bucket)->name, u"prometheus_http_request_duration_seconds"_s);
    QVERIFY(e.familyOf(*bucket)->type == MetricType::Histogram);
    QVERIFY(e.familyOf(*only(e, u"go_gc_duration_seconds_count"_s))->type == MetricType::Summary);
}

void TestPromText::seedExample()
{
    const QByteArray text = hdtest::readData(QStringLiteral("prometheus/messenger-metrics.txt"));
    const Exposition e = parse(text, Format::Text);
    QVERIFY2(e.ok(), qPrintable(describe(e)));
    QCOMPARE(only(e, u"messenger_health_check_status"_s, labels({ { u"check"_s, u"redis"_s } }))->value, 0.0);
    QCOMPARE(only(e, u"messenger_health_check_duration_seconds_bucket"_s,
                 labels({ { u"le"_s, u"0.1"_s }, { u"check"_s, u"database"_s } }))
                 ->value,
        245.0);
    QCOMPARE(e.find(u"messenger_health_check_status").size(), 3);
    QCOMPARE(e.find(u"messenger_requests_total").size(), 2);
    QVERIFY(e.find(u"messenger_health_check_status", labels({ { u"check"_s, u"nope"_s } })).isEmpty());
    // The two lines of the contract on their own.
    const Exposition lines
        = parse("messenger_health_check_status{check=\"redis\"} 0\n"
                "messenger_health_check_duration_seconds_bucket{check=\"database\",le=\"0.1\"} 245\n",
            Format::Text);
    QVERIFY(lines.ok());
    QCOMPARE(lines.samples.size(), 2);
}

void TestPromText::formatFromContentTypeAndBody_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("openMetrics");
    QTest::addColumn<bool>("exposition");
    QTest::newRow("text-0.0.4") << QByteArray("text/plain; version=0.0.4; charset=utf-8") << QByteArray("a 1\n# EOF\n")
                                << false << true;
    QTest::newRow("openmetrics") << QByteArray("application/openmetrics-text; version=1.0.0; charset=utf-8")
                                 << QByteArray("a 1\n") << true << true;
    QTest::newRow("plain-with-eof") << QByteArray("text/plain") << QByteArray("a 1\n# EOF\n") << true << false;
    QTest::newRow("none-with-eof-no-newline") << QByteArray() << QByteArray("a 1\n# EOF") << true << false;
    QTest::newRow("none") << QByteArray() << QByteArray("a 1\n") << false << false;
    QTest::newRow("json") << QByteArray("application/json") << QByteArray("{}") << false << false;
}

void TestPromText::formatFromContentTypeAndBody()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(bool, openMetrics);
    QFETCH(bool, exposition);
    QCOMPARE(formatOf(contentType, body) == Format::OpenMetrics, openMetrics);
    QCOMPARE(isExpositionContentType(contentType), exposition);
}

void TestPromText::writersRoundTrip()
{
    const QString value = QStringLiteral("a \\ b \" c\nd é");
    const QString help = QStringLiteral("line one\nback\\slash \"quoted\"");
    QVERIFY(isValidMetricName(u"healthdeck_check_status"));
    QVERIFY(isValidMetricName(u"a:b_c"));
    QVERIFY(!isValidMetricName(u"0a"));
    QVERIFY(!isValidMetricName(u"a-b"));
    QVERIFY(isValidLabelName(u"service"));
    QVERIFY(!isValidLabelName(u"a:b"));
    QCOMPARE(formatValue(std::numeric_limits<double>::infinity()), u"+Inf"_s);
    QCOMPARE(formatValue(-std::numeric_limits<double>::infinity()), u"-Inf"_s);
    QCOMPARE(formatValue(std::nan("")), u"NaN"_s);
    QCOMPARE(formatValue(0.1), u"0.1"_s);
    QCOMPARE(formatValue(42), u"42"_s);
    for (const Format format : { Format::Text, Format::OpenMetrics }) {
        const QString body = u"# HELP x " + escapeHelp(help) + u"\n# TYPE x gauge\nx{v=\"" + escapeLabelValue(value)
            + u"\"} " + formatValue(0.1 + 0.2) + u"\n# EOF\n";
        const Exposition e = parse(body.toUtf8(), format);
        QVERIFY2(e.ok(), qPrintable(describe(e)));
        QCOMPARE(e.samples.size(), 1);
        QCOMPARE(e.samples[0].labels.first().second, value);
        QCOMPARE(e.samples[0].value, 0.1 + 0.2);
        QCOMPARE(e.families[0].help, help);
    }
}

static QByteArray manyDistinctLabels()
{
    QByteArray line = "a{";
    for (int i = 0; i < 100'000; ++i)
        line += "l" + QByteArray::number(i) + "=\"v\",";
    line += "} 1\n# EOF\n";
    return line;
}

static QByteArray manyFamilies()
{
    QByteArray text;
    for (int i = 0; i < 50'000; ++i)
        text += "# TYPE f" + QByteArray::number(i) + " counter\nf" + QByteArray::number(i) + "_total 1\n";
    text += "# EOF\n";
    return text;
}

void TestPromText::hostileInput_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("binary") << QByteArray("\x00\xff\xfe\x80{\"a\":\n\x01", 10);
    QTest::newRow("unterminated-quote") << QByteArray(QByteArray("a{b=\"") + QByteArray(1 << 20, 'x'));
    QTest::newRow("many-labels") << QByteArray("a{" + QByteArray("l=\"v\",").repeated(100'000) + "} 1\n");
    QTest::newRow("many-distinct-labels") << manyDistinctLabels();
    QTest::newRow("many-lines") << QByteArray(QByteArray("m{a=\"1\"} 1 1\n").repeated(200'000) + "# EOF\n");
    QTest::newRow("many-families") << manyFamilies();
    QTest::newRow("huge-numbers") << QByteArray("a 1e99999999999999999999\nb 0." + QByteArray(100'000, '0') + "1e-5\n");
    QTest::newRow("backslashes") << QByteArray(
        "# HELP a " + QByteArray(100'000, '\\') + "\na{b=\"" + QByteArray(100'001, '\\') + "\"} 1\n");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("only-newlines") << QByteArray(100'000, '\n');
}

void TestPromText::hostileInput()
{
    QFETCH(QByteArray, input);
    QElapsedTimer timer;
    timer.start();
    for (const Format format : { Format::Text, Format::OpenMetrics }) {
        for (const NameScheme scheme : { NameScheme::Utf8, NameScheme::Legacy }) {
            const Exposition e = parse(input, format, scheme);
            if (e.error)
                QVERIFY(e.error->line >= 1);
            for (const Sample& s : e.samples)
                QVERIFY(e.familyOf(s));
        }
    }
    QVERIFY2(timer.elapsed() < 20'000, qPrintable(QString::number(timer.elapsed())));
}

QTEST_GUILESS_MAIN(TestPromText)
#include "tst_promtext.moc"
