// Reading an admin answer: the backend's own message, success:false and HTTP errors as failures, and
// HTML, empty, invalid JSON and stack traces never taken for success.
#include "admin/adminresult.h"

#include <QtTest>

using namespace hd;

class TestAdminResult : public QObject {
    Q_OBJECT
private slots:
    void interpret_data();
    void interpret();
    void outcomeNames();
};

void TestAdminResult::interpret_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<QString>("message"); // the message contains this
    QTest::addColumn<bool>("json");

    const int success = int(AdminOutcome::Success);
    const int failure = int(AdminOutcome::Failure);
    const int unknown = int(AdminOutcome::Unknown);
    const QByteArray json = "application/json";

    QTest::newRow("seed success, Korean message")
        << 200 << json
        << QByteArray(R"({"success": true, "message": "스케줄러가 중지되었습니다", "data": {"running": false}})")
        << success << QStringLiteral("스케줄러가 중지되었습니다") << true;
    QTest::newRow("seed success:false with 200")
        << 200 << json << QByteArray(R"({"success": false, "message": "텔레그램 메시지 전송에 실패했습니다"})")
        << failure << QStringLiteral("텔레그램 메시지 전송에 실패했습니다") << true;
    QTest::newRow("seed 400 with message")
        << 400 << json << QByteArray(R"({"success": false, "message": "알 수 없는 작업 유형입니다: x"})") << failure
        << QStringLiteral("HTTP 400: 알 수 없는 작업 유형입니다: x") << true;
    QTest::newRow("500 JSON error even with success:true")
        << 500 << json << QByteArray(R"({"success": true})") << failure << QStringLiteral("HTTP 500") << true;
    QTest::newRow("JSON without a verdict is success")
        << 200 << json << QByteArray(R"({"exchanges": []})") << success << QStringLiteral("HTTP 200") << true;
    QTest::newRow("JSON array") << 200 << json << QByteArray(R"([1, 2])") << success << QStringLiteral("HTTP 200")
                                << true;
    QTest::newRow("status: error") << 200 << json << QByteArray(R"({"status": "error", "detail": "queue full"})")
                                   << failure << QStringLiteral("queue full") << true;
    QTest::newRow("error field") << 200 << json << QByteArray(R"({"error": {"message": "locked"}})") << failure
                                 << QStringLiteral("locked") << true;
    QTest::newRow("error: null is no error") << 200 << json << QByteArray(R"({"error": null, "message": "done"})")
                                             << success << QStringLiteral("done") << true;
    QTest::newRow("HTML page with 200")
        << 200 << QByteArray("text/html")
        << QByteArray("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
                      "<hr><center>nginx/1.22.1</center></body></html>")
        << unknown << QStringLiteral("HTML page (\"502 Bad Gateway\")") << false;
    QTest::newRow("HTML login page without content type")
        << 200 << QByteArray() << QByteArray("<!doctype html><html><body><h1>로그인</h1><form></form></body></html>")
        << unknown << QStringLiteral("HTML page (\"로그인\")") << false;
    QTest::newRow("HTML error page with 502")
        << 502 << QByteArray("text/html") << QByteArray("<html><body>bad gateway</body></html>") << failure
        << QStringLiteral("HTTP 502: the answer is an HTML page") << false;
    QTest::newRow("empty body with 200") << 200 << json << QByteArray() << unknown << QStringLiteral("empty body")
                                         << false;
    QTest::newRow("whitespace body with 200")
        << 200 << json << QByteArray(" \r\n") << unknown << QStringLiteral("empty body") << false;
    QTest::newRow("empty body with 503") << 503 << QByteArray() << QByteArray() << failure << QStringLiteral("HTTP 503")
                                         << false;
    QTest::newRow("truncated JSON") << 200 << json << QByteArray(R"({"success": tru)") << unknown
                                    << QStringLiteral("not valid JSON") << false;
    QTest::newRow("Python traceback with 500")
        << 500 << QByteArray("text/plain")
        << QByteArray("Traceback (most recent call last):\n"
                      "  File \"/app/web_server/app/routes/system.py\", line 212, in scheduler_control\n"
                      "    scheduler.start()\n"
                      "apscheduler.schedulers.SchedulerAlreadyRunningError: Scheduler is already running\n")
        << failure
        << QStringLiteral("HTTP 500: the backend failed with a stack trace, not JSON: "
                          "apscheduler.schedulers.SchedulerAlreadyRunningError")
        << false;
    QTest::newRow("Java stack trace with 200")
        << 200 << QByteArray("text/plain")
        << QByteArray(
               "java.lang.IllegalStateException: scheduler busy\n\tat com.acme.Scheduler.stop(Scheduler.java:42)\n")
        << unknown << QStringLiteral("java.lang.IllegalStateException: scheduler busy") << false;
    QTest::newRow("plain text with 200") << 200 << QByteArray("text/plain") << QByteArray("OK") << unknown
                                         << QStringLiteral("text, not JSON: OK") << false;
}

void TestAdminResult::interpret()
{
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, outcome);
    QFETCH(QString, message);
    QFETCH(bool, json);
    const AdminVerdict v = interpretAdminResponse(status, contentType, body);
    QCOMPARE(adminOutcomeName(v.outcome), adminOutcomeName(AdminOutcome(outcome)));
    QVERIFY2(v.message.contains(message), qPrintable(v.message));
    QCOMPARE(!v.json.isUndefined(), json);
    if (v.outcome == AdminOutcome::Unknown)
        QVERIFY2(v.message.startsWith(adminUnknownPrefix()), qPrintable(v.message));
}

void TestAdminResult::outcomeNames()
{
    QCOMPARE(adminOutcomeName(AdminOutcome::Success), QStringLiteral("success"));
    QCOMPARE(adminOutcomeName(AdminOutcome::Failure), QStringLiteral("failure"));
    QCOMPARE(adminOutcomeName(AdminOutcome::Unknown), QStringLiteral("unknown"));
    QCOMPARE(adminOutcomeName(AdminOutcome::Refused), QStringLiteral("refused"));
    QCOMPARE(adminOutcomeName(AdminOutcome::Invalid), QStringLiteral("invalid"));
    QCOMPARE(adminOutcomeName(AdminOutcome::AuthFailed), QStringLiteral("auth-failed"));
    QCOMPARE(adminUnknownPrefix(), QStringLiteral("unknown — check before repeating: "));
}

QTEST_GUILESS_MAIN(TestAdminResult)
#include "tst_adminresult.moc"
