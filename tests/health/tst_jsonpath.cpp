#include "health/jsonpath.h"
#include "support/testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

class TestJsonPath : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gatusTable_data();
    void gatusTable();
    void goPrinting_data();
    void goPrinting();
    void hostileBodies_data();
    void hostileBodies();
    void goFloat_data();
    void goFloat();
};

void TestJsonPath::gatusTable_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("output");
    QTest::addColumn<int>("length");
    QTest::addColumn<bool>("error");
    const QJsonArray cases = QJsonDocument::fromJson(hdtest::readData(QStringLiteral("gatus-jsonpath-cases.json")))
                                 .object()[u"cases"]
                                 .toArray();
    QCOMPARE(cases.size(), 24);
    for (const QJsonValue& v : cases) {
        const QJsonObject c = v.toObject();
        QTest::newRow(qPrintable(c[u"name"].toString()))
            << c[u"path"].toString() << c[u"data"].toString().toUtf8() << c[u"expected_output"].toString()
            << c[u"expected_output_length"].toInt() << c[u"expected_error"].toBool();
    }
}

void TestJsonPath::gatusTable()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, data);
    QFETCH(QString, output);
    QFETCH(int, length);
    QFETCH(bool, error);
    const hd::JsonPathResult r = hd::evalJsonPath(path, data);
    QCOMPARE(r.ok, !error);
    QCOMPARE(r.value, output);
    QCOMPARE(r.length, qsizetype(length));
}

// How values reach a condition: Go's %v for scalars and arrays, json.Marshal for objects.
void TestJsonPath::goPrinting_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("output");
    QTest::addColumn<int>("length");
    QTest::newRow("big-integer-in-exponent-form") << "n" << QByteArray(R"({"n": 1234567})") << "1.234567e+06" << 12;
    QTest::newRow("six-digits-stay-plain") << "n" << QByteArray(R"({"n": 123456})") << "123456" << 6;
    QTest::newRow("small-fraction") << "n" << QByteArray(R"({"n": 0.00001})") << "1e-05" << 5;
    QTest::newRow("bool") << "ok" << QByteArray(R"({"ok": false})") << "false" << 5;
    QTest::newRow("array-of-mixed") << "a" << QByteArray(R"({"a": ["x", 1, true, null, {"k": 2}]})")
                                    << "[x 1 true <nil> map[k:2]]" << 5;
    QTest::newRow("object-sorted-minified-html-escaped")
        << "o" << QByteArray(R"({"o": {"z": "<b>", "a": [1.5, 1e21]}})") << R"({"a":[1.5,1e+21],"z":"\u003cb\u003e"})"
        << 37;
    QTest::newRow("utf8-length-in-bytes") << "s" << QByteArray(R"({"s": "café"})") << "café" << 5;
    QTest::newRow("key-on-array-returns-array") << "id" << QByteArray(R"([{"id": 1}])") << "[map[id:1]]" << 1;
    QTest::newRow("scalar-stops-the-walk") << "a.b.c" << QByteArray(R"({"a": 5})") << "5" << 1;
    QTest::newRow("scalar-root-ignores-key") << "x" << QByteArray("42") << "42" << 2;
    QTest::newRow("empty-path-raw-body") << "" << QByteArray(R"({"a": 1})") << R"({"a": 1})" << 8;
}

void TestJsonPath::goPrinting()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, data);
    QFETCH(QString, output);
    QFETCH(int, length);
    const hd::JsonPathResult r = hd::evalJsonPath(path, data);
    QVERIFY(r.ok);
    QCOMPARE(r.value, output);
    QCOMPARE(r.length, qsizetype(length));
}

void TestJsonPath::hostileBodies_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("data");
    QTest::newRow("binary") << "a" << QByteArray("\x00\xff\xfe{\x01", 5);
    QTest::newRow("truncated") << "a.b" << QByteArray(R"({"a": {"b": )");
    QTest::newRow("two-values") << "a" << QByteArray(R"({"a": 1} {"a": 2})");
    QTest::newRow("bracket-injection") << "a" << QByteArray(R"(1], [2)");
    QTest::newRow("deep-nesting") << "a" << QByteArray(100'000, '[');
    QTest::newRow("index-on-object") << "a[0]" << QByteArray(R"({"a": {"b": 1}})");
    QTest::newRow("index-into-scalar-key") << "a[0]" << QByteArray(R"([1, 2])");
    QTest::newRow("huge-index") << "a[99999999999999999999]" << QByteArray(R"({"a": [1]})");
    QTest::newRow("unbalanced-brackets") << "a]]x[" << QByteArray(R"({"a": [1]})");
    QTest::newRow("empty-body") << "a" << QByteArray();
}

void TestJsonPath::hostileBodies()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, data);
    const hd::JsonPathResult r = hd::evalJsonPath(path, data);
    QVERIFY(!r.ok);
    QCOMPARE(r.length, qsizetype(0));
}

void TestJsonPath::goFloat_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << "0";
    QTest::newRow("integer") << 200.0 << "200";
    QTest::newRow("negative") << -1.5 << "-1.5";
    QTest::newRow("million") << 1e6 << "1e+06";
    QTest::newRow("epoch-seconds") << 1732270500.0 << "1.7322705e+09";
    QTest::newRow("ten-thousandth") << 0.0001 << "0.0001";
    QTest::newRow("below-ten-thousandth") << 0.00001234 << "1.234e-05";
    QTest::newRow("huge") << 1e300 << "1e+300";
    QTest::newRow("shortest-round-trip") << 123.40000000000005 << "123.40000000000005";
}

void TestJsonPath::goFloat()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(hd::goFormatFloat(value), text);
}

QTEST_GUILESS_MAIN(TestJsonPath)
#include "tst_jsonpath.moc"
