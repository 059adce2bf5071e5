#include "store/redact.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

class TestRedact final : public QObject {
    Q_OBJECT

private slots:
    void secretKeys_data();
    void secretKeys();
    void nestedJson();
    void text_data();
    void text();
};

void TestRedact::secretKeys_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("secret");
    QTest::newRow("password") << QStringLiteral("password") << true;
    QTest::newRow("Password upper case") << QStringLiteral("PASSWORD") << true;
    QTest::newRow("db_password") << QStringLiteral("db_password") << true;
    QTest::newRow("passwd") << QStringLiteral("passwd") << true;
    QTest::newRow("access_token") << QStringLiteral("access_token") << true;
    QTest::newRow("refreshToken") << QStringLiteral("refreshToken") << true;
    QTest::newRow("client_secret") << QStringLiteral("client_secret") << true;
    QTest::newRow("Authorization header") << QStringLiteral("Authorization") << true;
    QTest::newRow("X-Api-Key header") << QStringLiteral("X-Api-Key") << true;
    QTest::newRow("api_key") << QStringLiteral("api_key") << true;
    QTest::newRow("Cookie") << QStringLiteral("Cookie") << true;
    QTest::newRow("pwd") << QStringLiteral("pwd") << true;
    QTest::newRow("job_type is not") << QStringLiteral("job_type") << false;
    QTest::newRow("exchange is not") << QStringLiteral("exchange") << false;
    QTest::newRow("market_type is not") << QStringLiteral("market_type") << false;
    QTest::newRow("username is not") << QStringLiteral("username") << false;
    QTest::newRow("action is not") << QStringLiteral("action") << false;
}

void TestRedact::secretKeys()
{
    QFETCH(QString, key);
    QFETCH(bool, secret);
    QCOMPARE(hd::isSecretKey(key), secret);
}

void TestRedact::nestedJson()
{
    const QJsonObject in = QJsonDocument::fromJson(R"({
        "job_type": "calculate_pnl",
        "password": "hunter2",
        "login": {"username": "ops", "Password": "hunter2", "otp": 123456},
        "headers": [{"Authorization": "Bearer abc.def.ghi"}, {"Accept": "application/json"}],
        "note": "retry with token=tok-999 later",
        "api_token": null
    })")
                               .object();
    const QJsonObject out = hd::redactSecrets(in);
    const QByteArray text = QJsonDocument(out).toJson(QJsonDocument::Compact);
    QVERIFY2(!text.contains("hunter2"), text.constData());
    QVERIFY2(!text.contains("abc.def"), text.constData());
    QVERIFY2(!text.contains("tok-999"), text.constData());
    QCOMPARE(out.value(u"job_type").toString(), QStringLiteral("calculate_pnl"));
    QCOMPARE(out.value(u"password").toString(), hd::redactedMarker());
    QCOMPARE(out.value(u"login").toObject().value(u"username").toString(), QStringLiteral("ops"));
    QCOMPARE(out.value(u"login").toObject().value(u"otp").toInt(), 123456);
    QCOMPARE(out.value(u"headers").toArray().at(1).toObject().value(u"Accept").toString(),
        QStringLiteral("application/json"));
    QVERIFY(out.value(u"api_token").isNull()); // nothing to hide, and null says "not set"
}

void TestRedact::text_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("kept");
    QTest::newRow("query string") << QStringLiteral("POST /login?user=ops&password=hunter2&x=1")
                                  << QStringLiteral("hunter2") << QStringLiteral("user=ops");
    QTest::newRow("json in a message") << QStringLiteral(R"(echoed {"password": "hunter2", "type": "price"})")
                                       << QStringLiteral("hunter2") << QStringLiteral(R"("type": "price")");
    QTest::newRow("bearer header") << QStringLiteral("Authorization: Bearer eyJhbGciOi.payload.sig")
                                   << QStringLiteral("eyJhbGciOi") << QStringLiteral("Authorization");
    QTest::newRow("basic header") << QStringLiteral("sent Basic b3BzOmh1bnRlcjI= to the backend")
                                  << QStringLiteral("b3BzOmh1bnRlcjI=") << QStringLiteral("to the backend");
    QTest::newRow("token colon") << QStringLiteral("session_token: 5f2b9c") << QStringLiteral("5f2b9c")
                                 << QStringLiteral("session_token");
    QTest::newRow("korean message untouched")
        << QStringLiteral("캐시가 삭제되었습니다") << QString() << QStringLiteral("캐시가 삭제되었습니다");
}

void TestRedact::text()
{
    QFETCH(QString, input);
    QFETCH(QString, secret);
    QFETCH(QString, kept);
    const QString out = hd::redactSecretsInText(input);
    if (!secret.isEmpty()) {
        QVERIFY2(!out.contains(secret), qPrintable(out));
        QVERIFY2(out.contains(hd::redactedMarker()), qPrintable(out));
    } else {
        QCOMPARE(out, input);
    }
    QVERIFY2(out.contains(kept), qPrintable(out));
}

QTEST_GUILESS_MAIN(TestRedact)
#include "tst_redact.moc"
