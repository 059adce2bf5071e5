#include "redis/redisreply.h"
#include "redis/respdecoder.h"
#include "support/testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using hd::RedisReply;
using hd::RespDecoder;

namespace hd {
// Readable QCOMPARE failures.
char* toString(const RedisReply& reply)
{
    return qstrdup(qPrintable(reply.toDebugString()));
}
} // namespace hd

namespace {

RedisReply str(const char* s)
{
    return RedisReply::string(QByteArray(s));
}

QList<RedisReply> feedByteByByte(RespDecoder& decoder, const QByteArray& raw)
{
    QList<RedisReply> replies;
    for (char c : raw)
        replies += decoder.feed(QByteArray(1, c));
    return replies;
}

// RESP3 type bytes; healthdeck never sends HELLO 3, so a RESP2 reader sees them as a protocol error.
bool isResp3Only(const QByteArray& raw)
{
    return !raw.isEmpty() && QByteArrayView("%_,=~>|(#!").contains(raw.front());
}

} // namespace

class TestRespCodec : public QObject {
    Q_OBJECT
private slots:
    void decodes_data();
    void decodes();
    void decodesPipelinedReplies();
    void keepsBinaryBulkStrings();
    void reportsProtocolErrors_data();
    void reportsProtocolErrors();
    void recoversAfterReset();
    void countsBufferedBytesOfAPartialReply();
    void formatsCommands_data();
    void formatsCommands();
    void transcript_data();
    void transcript();
    void transcriptNamedReplies();
    void errorCodeIsTheFirstWord();
};

void TestRespCodec::decodes_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<RedisReply>("expected");

    QTest::newRow("status") << QByteArray("+OK\r\n") << RedisReply::status("OK");
    QTest::newRow("error") << QByteArray("-ERR unknown command 'FOO'\r\n")
                           << RedisReply::error("ERR unknown command 'FOO'");
    QTest::newRow("integer") << QByteArray(":42\r\n") << RedisReply::integer(42);
    QTest::newRow("negative integer (PTTL of a missing key)") << QByteArray(":-2\r\n") << RedisReply::integer(-2);
    QTest::newRow("64-bit integer") << QByteArray(":9223372036854775807\r\n")
                                    << RedisReply::integer(std::numeric_limits<qint64>::max());
    QTest::newRow("bulk string") << QByteArray("$5\r\nhello\r\n") << str("hello");
    QTest::newRow("empty bulk string") << QByteArray("$0\r\n\r\n") << RedisReply::string(QByteArray(""));
    QTest::newRow("nil bulk string") << QByteArray("$-1\r\n") << RedisReply::nil();
    QTest::newRow("nil array") << QByteArray("*-1\r\n") << RedisReply::nil();
    QTest::newRow("empty array") << QByteArray("*0\r\n") << RedisReply::array({});
    QTest::newRow("flat array with nil") << QByteArray("*3\r\n$1\r\na\r\n$-1\r\n:7\r\n")
                                         << RedisReply::array({ str("a"), RedisReply::nil(), RedisReply::integer(7) });
    QTest::newRow("nested arrays (XREVRANGE)")
        << QByteArray("*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n")
        << RedisReply::array({ RedisReply::array({ str("1-0"), RedisReply::array({ str("k"), str("v") }) }) });
    QTest::newRow("seven levels deep")
        << QByteArray("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n")
        << RedisReply::array({ RedisReply::array({ RedisReply::array({ RedisReply::array({ RedisReply::array(
               { RedisReply::array({ RedisReply::array({ RedisReply::integer(1) }) }) }) }) }) }) });
    QTest::newRow("error inside an array (EXEC)")
        << QByteArray("*2\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
        << RedisReply::array({ RedisReply::status("OK"),
               RedisReply::error("WRONGTYPE Operation against a key holding the wrong kind of value") });
}

void TestRespCodec::decodes()
{
    QFETCH(QByteArray, raw);
    QFETCH(RedisReply, expected);

    RespDecoder whole;
    const QList<RedisReply> all = whole.feed(raw);
    QVERIFY2(!whole.hasError(), qPrintable(whole.errorString()));
    QCOMPARE(all.size(), 1);
    QCOMPARE(all.first(), expected);
    QCOMPARE(whole.bufferedBytes(), 0);

    RespDecoder split;
    const QList<RedisReply> pieces = feedByteByByte(split, raw);
    QVERIFY2(!split.hasError(), qPrintable(split.errorString()));
    QCOMPARE(pieces.size(), 1);
    QCOMPARE(pieces.first(), expected);
}

void TestRespCodec::decodesPipelinedReplies()
{
    const QByteArray raw("+OK\r\n:1\r\n$3\r\nfoo\r\n$-1\r\n*2\r\n$1\r\n0\r\n*0\r\n");
    const QList<RedisReply> expected { RedisReply::status("OK"), RedisReply::integer(1), str("foo"), RedisReply::nil(),
        RedisReply::array({ str("0"), RedisReply::array({}) }) };
    RespDecoder decoder;
    QCOMPARE(decoder.feed(raw), expected);

    // Split at every possible point: two feeds must give the same replies.
    for (qsizetype cut = 1; cut < raw.size(); ++cut) {
        RespDecoder d;
        QList<RedisReply> got = d.feed(raw.left(cut));
        got += d.feed(raw.mid(cut));
        QVERIFY2(!d.hasError(), qPrintable(d.errorString()));
        QCOMPARE(got, expected);
    }
}

void TestRespCodec::keepsBinaryBulkStrings()
{
    static const char bytes[] = "a\r\nb\0c\xff\x80$-1\r\n";
    const QByteArray payload(bytes, sizeof bytes - 1);
    const QByteArray raw = '$' + QByteArray::number(payload.size()) + "\r\n" + payload + "\r\n";
    RespDecoder decoder;
    const QList<RedisReply> replies = feedByteByByte(decoder, raw);
    QCOMPARE(replies.size(), 1);
    QCOMPARE(replies.first().bytes(), payload);
    QCOMPARE(replies.first().toResp(), raw);
}

void TestRespCodec::reportsProtocolErrors_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("repliesBefore");

    QTest::newRow("unknown type byte") << QByteArray("?what\r\n") << 0;
    QTest::newRow("HTTP answer on a redis port") << QByteArray("HTTP/1.1 400 Bad Request\r\n\r\n") << 0;
    QTest::newRow("bad bulk length") << QByteArray("$abc\r\nxyz\r\n") << 0;
    QTest::newRow("bad integer") << QByteArray(":12x\r\n") << 0;
    QTest::newRow("garbage after a good reply") << QByteArray("+OK\r\n\x01\x02\x03\r\n") << 1;
    QTest::newRow("RESP3 map") << QByteArray("%1\r\n$1\r\na\r\n:1\r\n") << 0;
    QTest::newRow("nesting deeper than hiredis allows") << QByteArray("*1\r\n").repeated(9) + ":1\r\n" << 0;
    // hiredis 0.14 would allocate the element table (6 GB) on reading the header; found by fuzz_resp.
    QTest::newRow("array header of 795 million elements") << QByteArray("*1\r\n*795345900\r\n$1") << 0;
    QTest::newRow("negative array length below -1") << QByteArray("*-5\r\n") << 0;
}

void TestRespCodec::reportsProtocolErrors()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, repliesBefore);

    RespDecoder decoder;
    const QList<RedisReply> replies = decoder.feed(raw);
    QVERIFY(decoder.hasError());
    QVERIFY(!decoder.errorString().isEmpty());
    if (raw.contains("795345900"))
        QCOMPARE(decoder.errorString(),
            QStringLiteral("the server sent an array of 795345900 elements; more than 1048576 is not a reply "
                           "healthdeck reads"));
    QCOMPARE(replies.size(), repliesBefore);
    // A failed decoder stays failed: the stream cannot be resynchronised.
    QVERIFY(decoder.feed("+OK\r\n").isEmpty());
    QVERIFY(decoder.hasError());
}

void TestRespCodec::recoversAfterReset()
{
    RespDecoder decoder;
    decoder.feed("!!!\r\n");
    QVERIFY(decoder.hasError());
    decoder.reset();
    QVERIFY(!decoder.hasError());
    QCOMPARE(decoder.feed("+PONG\r\n"), QList<RedisReply> { RedisReply::status("PONG") });
}

void TestRespCodec::countsBufferedBytesOfAPartialReply()
{
    RespDecoder decoder;
    QVERIFY(decoder.feed("$10\r\nhello").isEmpty());
    // hiredis has consumed the type byte; the rest waits for the end of the bulk string.
    const qint64 partial = decoder.bufferedBytes();
    QVERIFY2(partial >= 9 && partial <= 10, qPrintable(QString::number(partial)));
    QVERIFY(decoder.feed("wor").isEmpty());
    QCOMPARE(decoder.bufferedBytes(), partial + 3);
    QCOMPARE(decoder.feed("ld\r\n"), QList<RedisReply> { str("helloworld") });
    QCOMPARE(decoder.bufferedBytes(), 0);
}

void TestRespCodec::formatsCommands_data()
{
    QTest::addColumn<QList<QByteArray>>("argv");
    QTest::addColumn<QByteArray>("wire");

    QTest::newRow("PING") << QList<QByteArray> { "PING" } << QByteArray("*1\r\n$4\r\nPING\r\n");
    QTest::newRow("GET") << QList<QByteArray> { "GET", "health:ingestion" }
                         << QByteArray("*2\r\n$3\r\nGET\r\n$16\r\nhealth:ingestion\r\n");
    QTest::newRow("empty argument") << QList<QByteArray> { "SET", "k", "" }
                                    << QByteArray("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
    static const char binaryWire[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\r\n\0b\r\n";
    QTest::newRow("binary argument with CRLF and NUL")
        << QList<QByteArray> { "SET", "k", QByteArray("a\r\n\0b", 5) } << QByteArray(binaryWire, sizeof binaryWire - 1);
    QTest::newRow("pattern with glob characters") << QList<QByteArray> { "SCAN", "0", "MATCH", "health:worker*" }
                                                  << QByteArray("*4\r\n$4\r\nSCAN\r\n$1\r\n0\r\n$5\r\nMATCH\r\n"
                                                                "$14\r\nhealth:worker*\r\n");
}

void TestRespCodec::formatsCommands()
{
    QFETCH(QList<QByteArray>, argv);
    QFETCH(QByteArray, wire);
    QCOMPARE(hd::formatRedisCommand(argv), wire);
}

void TestRespCodec::transcript_data()
{
    QTest::addColumn<QList<QByteArray>>("command");
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("resp3Only");

    const QJsonObject doc
        = QJsonDocument::fromJson(hdtest::readData(QStringLiteral("redis-7.0.15-resp-transcript.json"))).object();
    const QJsonArray exchanges = doc.value(QLatin1String("exchanges")).toArray();
    QVERIFY(exchanges.size() > 30);
    int index = 0;
    for (const QJsonValue& value : exchanges) {
        const QJsonObject exchange = value.toObject();
        QList<QByteArray> command;
        for (const QJsonValue& arg : exchange.value(QLatin1String("command")).toArray())
            command << arg.toString().toUtf8();
        // reply_raw holds the bytes as code points 0-255.
        const QByteArray raw = exchange.value(QLatin1String("reply_raw")).toString().toLatin1();
        const QString name
            = QStringLiteral("%1 %2 %3 %4")
                  .arg(index++, 2, 10, QLatin1Char('0'))
                  .arg(exchange.value(QLatin1String("conn")).toString(),
                      exchange.value(QLatin1String("protocol")).toString(), QString::fromUtf8(command.first()));
        QTest::newRow(qPrintable(name)) << command << raw << isResp3Only(raw);
    }
}

void TestRespCodec::transcript()
{
    QFETCH(QList<QByteArray>, command);
    QFETCH(QByteArray, raw);
    QFETCH(bool, resp3Only);

    // The command as hiredis formats it is the RESP array of bulk strings the server received.
    QList<RedisReply> args;
    for (const QByteArray& a : command)
        args << RedisReply::string(a);
    QCOMPARE(hd::formatRedisCommand(command), RedisReply::array(args).toResp());

    RespDecoder whole;
    const QList<RedisReply> replies = whole.feed(raw);
    RespDecoder split;
    const QList<RedisReply> splitReplies = feedByteByByte(split, raw);
    if (resp3Only) {
        // hiredis 0.14 reads RESP2 only. healthdeck never negotiates RESP3 (no HELLO 3),
        // so such a reply can only be a protocol violation and must be reported as one.
        QVERIFY(whole.hasError());
        QVERIFY(split.hasError());
        return;
    }
    QVERIFY2(!whole.hasError(), qPrintable(whole.errorString()));
    QVERIFY2(!split.hasError(), qPrintable(split.errorString()));
    QCOMPARE(replies.size(), 1);
    QCOMPARE(splitReplies, replies);
    QCOMPARE(replies.first().toResp(), raw);
}

void TestRespCodec::transcriptNamedReplies()
{
    const QJsonArray exchanges
        = QJsonDocument::fromJson(hdtest::readData(QStringLiteral("redis-7.0.15-resp-transcript.json")))
              .object()
              .value(QLatin1String("exchanges"))
              .toArray();
    auto replyTo = [&](const QString& protocol, const QStringList& command) {
        for (const QJsonValue& value : exchanges) {
            const QJsonObject e = value.toObject();
            QStringList args;
            for (const QJsonValue& a : e.value(QLatin1String("command")).toArray())
                args << a.toString();
            if (args == command && e.value(QLatin1String("protocol")).toString() == protocol) {
                RespDecoder decoder;
                const QList<RedisReply> replies
                    = decoder.feed(e.value(QLatin1String("reply_raw")).toString().toLatin1());
                return replies.value(0);
            }
        }
        qWarning("no exchange %s", qPrintable(command.join(u' ')));
        return RedisReply::status("missing exchange");
    };
    const QString resp2 = QStringLiteral("RESP2");

    const RedisReply scan = replyTo(resp2,
        { QStringLiteral("SCAN"), QStringLiteral("0"), QStringLiteral("MATCH"), QStringLiteral("health:*"),
            QStringLiteral("COUNT"), QStringLiteral("100") });
    QCOMPARE(scan,
        RedisReply::array({ str("0"),
            RedisReply::array(
                { str("health:ingestion"), str("health:alerting"), str("health:legacy"), str("health:events") }) }));

    QCOMPARE(
        replyTo(resp2, { QStringLiteral("PTTL"), QStringLiteral("health:ingestion") }), RedisReply::integer(59998));
    QCOMPARE(replyTo(resp2, { QStringLiteral("TTL"), QStringLiteral("health:nope") }), RedisReply::integer(-2));
    QCOMPARE(replyTo(resp2, { QStringLiteral("GET"), QStringLiteral("health:nope") }), RedisReply::nil());

    const RedisReply value = replyTo(resp2, { QStringLiteral("GET"), QStringLiteral("health:ingestion") });
    QVERIFY(value.isString());
    QCOMPARE(QJsonDocument::fromJson(value.bytes()).object().value(QLatin1String("status")).toString(),
        QStringLiteral("healthy"));

    const RedisReply stream = replyTo(resp2,
        { QStringLiteral("XREVRANGE"), QStringLiteral("health:events"), QStringLiteral("+"), QStringLiteral("-"),
            QStringLiteral("COUNT"), QStringLiteral("1") });
    QCOMPARE(stream,
        RedisReply::array({ RedisReply::array({ str("1795345900000-0"),
            RedisReply::array({ str("service"), str("ingestion"), str("status"), str("healthy") }) }) }));

    const RedisReply wrongType = replyTo(resp2, { QStringLiteral("GET"), QStringLiteral("heartbeat:worker-1") });
    QVERIFY(wrongType.isError());
    QCOMPARE(wrongType.errorCode(), QByteArray("WRONGTYPE"));

    QCOMPARE(replyTo(resp2, { QStringLiteral("GET"), QStringLiteral("secret:key") }).errorCode(), QByteArray("NOPERM"));
    QCOMPARE(replyTo(resp2, { QStringLiteral("SELECT"), QStringLiteral("16") }),
        RedisReply::error("ERR DB index is out of range"));

    const RedisReply info = replyTo(resp2, { QStringLiteral("INFO"), QStringLiteral("replication") });
    QVERIFY(info.isString());
    QVERIFY(info.bytes().contains("role:master\r\n"));

    // RESP3 exchanges whose replies are also valid RESP2 decode normally.
    QCOMPARE(replyTo(QStringLiteral("RESP3"), { QStringLiteral("TTL"), QStringLiteral("health:ingestion") }),
        RedisReply::integer(60));
}

void TestRespCodec::errorCodeIsTheFirstWord()
{
    QCOMPARE(RedisReply::error("NOAUTH Authentication required.").errorCode(), QByteArray("NOAUTH"));
    QCOMPARE(RedisReply::error("LOADING").errorCode(), QByteArray("LOADING"));
    QCOMPARE(RedisReply::status("OK").errorCode(), QByteArray());
}

QTEST_GUILESS_MAIN(TestRespCodec)
#include "tst_respcodec.moc"
