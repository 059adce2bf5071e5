#include "health/pattern.h"
#include "support/testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

class TestPattern : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gatusTable_data();
    void gatusTable();
    void goSyntax_data();
    void goSyntax();
};

void TestPattern::gatusTable_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("expected");
    const QJsonArray cases = QJsonDocument::fromJson(hdtest::readData(QStringLiteral("gatus-pattern-cases.json")))
                                 .object()[u"cases"]
                                 .toArray();
    QCOMPARE(cases.size(), 19);
    int index = 0;
    for (const QJsonValue& v : cases) {
        const QJsonObject c = v.toObject();
        const QString pattern = c[u"pattern"].toString();
        const QString value = c[u"value"].toString();
        // The table has no names and one pattern twice: number the rows.
        const QString name = QString::number(++index).rightJustified(2, u'0') + u' ' + pattern + u" ~ " + value;
        QTest::newRow(qPrintable(name)) << pattern << value << c[u"expected_match"].toBool();
    }
}

void TestPattern::gatusTable()
{
    QFETCH(QString, pattern);
    QFETCH(QString, value);
    QFETCH(bool, expected);
    QCOMPARE(hd::matchPattern(pattern, value), expected);
}

// Beyond the Gatus table: the rest of Go's filepath.Match syntax and Gatus' slash removal.
void TestPattern::goSyntax_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("expected");
    QTest::newRow("question-mark") << "ab?d"
                                   << "abcd" << true;
    QTest::newRow("question-mark-needs-a-char") << "abc?"
                                                << "abc" << false;
    QTest::newRow("class-range") << "v[0-9]"
                                 << "v7" << true;
    QTest::newRow("class-range-miss") << "v[0-9]"
                                      << "vx" << false;
    QTest::newRow("negated-class") << "v[^0-9]"
                                   << "vx" << true;
    QTest::newRow("negated-class-miss") << "v[^0-9]"
                                        << "v1" << false;
    QTest::newRow("escaped-star") << "a\\*"
                                  << "a*" << true;
    QTest::newRow("escaped-star-is-literal") << "a\\*"
                                             << "ab" << false;
    QTest::newRow("unclosed-class") << "a["
                                    << "a[" << false;
    QTest::newRow("trailing-backslash") << "a\\"
                                        << "a\\" << false;
    QTest::newRow("empty-class") << "a[]"
                                 << "a]" << false;
    QTest::newRow("slashes-ignored") << "10.*/24"
                                     << "10.0.0.0/24" << true;
    QTest::newRow("star-spans-slashes") << "*health*"
                                        << "http://x/health/live" << true;
    QTest::newRow("empty-pattern-empty-value") << ""
                                               << "" << true;
    QTest::newRow("empty-pattern") << ""
                                   << "x" << false;
    QTest::newRow("unicode") << "caf?"
                             << "café" << true;
    QTest::newRow("case-sensitive") << "UP"
                                    << "up" << false;
}

void TestPattern::goSyntax()
{
    QFETCH(QString, pattern);
    QFETCH(QString, value);
    QFETCH(bool, expected);
    QCOMPARE(hd::matchPattern(pattern, value), expected);
}

QTEST_GUILESS_MAIN(TestPattern)
#include "tst_pattern.moc"
