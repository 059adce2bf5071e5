#include "config/envexpand.h"

#include <QtTest>

class TestEnvExpand : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void expand_data();
    void expand();
    void malformed_data();
    void malformed();
};

namespace {

QProcessEnvironment testEnv()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOST"), QStringLiteral("db.local"));
    env.insert(QStringLiteral("PORT"), QStringLiteral("6380"));
    env.insert(QStringLiteral("EMPTY"), QString());
    env.insert(QStringLiteral("TOKEN"), QStringLiteral("s3cr:t-}{$"));
    return env;
}

} // namespace

void TestEnvExpand::expand_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("output");
    QTest::addColumn<QStringList>("unset");
    const QStringList none;
    QTest::newRow("no-reference") << "plain text"
                                  << "plain text" << none;
    QTest::newRow("whole-scalar") << "${HOST}"
                                  << "db.local" << none;
    QTest::newRow("inside-text") << "redis://${HOST}:${PORT}/0"
                                 << "redis://db.local:6380/0" << none;
    QTest::newRow("adjacent") << "${HOST}${PORT}"
                              << "db.local6380" << none;
    QTest::newRow("value-not-rescanned") << "${TOKEN}"
                                         << "s3cr:t-}{$" << none;
    QTest::newRow("unset-is-empty") << "a${NOPE}b"
                                    << "ab" << QStringList { QStringLiteral("NOPE") };
    QTest::newRow("unset-listed-once") << "${NOPE}${NOPE}"
                                       << "" << QStringList { QStringLiteral("NOPE") };
    QTest::newRow("set-but-empty-no-warning") << "[${EMPTY}]"
                                              << "[]" << none;
    QTest::newRow("default-when-unset") << "${NOPE:-fallback}"
                                        << "fallback" << none;
    QTest::newRow("default-when-empty") << "${EMPTY:-fallback}"
                                        << "fallback" << none;
    QTest::newRow("default-ignored-when-set") << "${HOST:-fallback}"
                                              << "db.local" << none;
    QTest::newRow("empty-default") << "x${NOPE:-}y"
                                   << "xy" << none;
    QTest::newRow("default-with-spaces-and-colons") << "${NOPE:-a b:c}"
                                                    << "a b:c" << none;
    QTest::newRow("nested-default-set") << "${NOPE:-${HOST}}"
                                        << "db.local" << none;
    QTest::newRow("nested-default-chain") << "${NOPE:-${ALSO_NOPE:-last}}"
                                          << "last" << none;
    QTest::newRow("nested-unset-reported") << "${NOPE:-${ALSO_NOPE}}"
                                           << "" << QStringList { QStringLiteral("ALSO_NOPE") };
    QTest::newRow("nested-unused-not-reported") << "${HOST:-${ALSO_NOPE}}"
                                                << "db.local" << none;
    QTest::newRow("nested-in-text") << "http://${NOPE:-${HOST}:${PORT}}/x"
                                    << "http://db.local:6380/x" << none;
    QTest::newRow("escaped") << "$${HOST}"
                             << "${HOST}" << none;
    QTest::newRow("escaped-in-default") << "${NOPE:-$${HOST}}"
                                        << "${HOST}" << none;
    QTest::newRow("lone-dollar") << "cost $5 and $"
                                 << "cost $5 and $" << none;
    QTest::newRow("double-dollar-kept") << "a$$b"
                                        << "a$$b" << none;
    QTest::newRow("dollar-name-without-braces") << "$HOST"
                                                << "$HOST" << none;
}

void TestEnvExpand::expand()
{
    QFETCH(QString, input);
    QFETCH(QString, output);
    QFETCH(QStringList, unset);
    const hd::EnvExpansion result = hd::expandEnvironment(input, testEnv());
    QCOMPARE(result.error, QString());
    QCOMPARE(result.text, output);
    QCOMPARE(result.unsetVariables, unset);
}

void TestEnvExpand::malformed_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<qsizetype>("offset");
    QTest::addColumn<QString>("messageStart");
    QTest::newRow("unterminated") << "abc ${HOST" << qsizetype(4) << "unterminated '${'";
    QTest::newRow("unterminated-default") << "${NOPE:-x" << qsizetype(0) << "unterminated '${'";
    QTest::newRow("unterminated-nested") << "${NOPE:-${HOST}" << qsizetype(0) << "unterminated '${'";
    QTest::newRow("empty-name") << "x${}" << qsizetype(1) << "empty variable name";
    QTest::newRow("bad-name") << "${1HOST}" << qsizetype(0) << "bad environment variable name";
    QTest::newRow("shell-alternative") << "${HOST-x}" << qsizetype(0) << "unsupported expansion of HOST";
    QTest::newRow("space-in-name") << "${HO ST}" << qsizetype(0) << "unsupported expansion of HO";
    QTest::newRow("inner-error") << "${NOPE:-${}}" << qsizetype(8) << "empty variable name";
}

void TestEnvExpand::malformed()
{
    QFETCH(QString, input);
    QFETCH(qsizetype, offset);
    QFETCH(QString, messageStart);
    const hd::EnvExpansion result = hd::expandEnvironment(input, testEnv());
    QVERIFY2(result.error.startsWith(messageStart), qPrintable(result.error));
    QCOMPARE(result.errorOffset, offset);
    QCOMPARE(result.text, input);
}

QTEST_GUILESS_MAIN(TestEnvExpand)
#include "tst_envexpand.moc"
