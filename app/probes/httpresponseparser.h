#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

namespace hd {

// A header name compared as HTTP does, without case.
bool httpHeaderIs(QByteArrayView name, QByteArrayView wanted);
// A comma-separated header value holds `token`, without case ("keep-alive, Upgrade").
bool httpHasToken(QByteArrayView list, QByteArrayView token);

// One HTTP/1.x response, parsed from bytes as they arrive, in any split. It applies the framing rules
// (Content-Length, chunked, until the connection closes, no body for HEAD, 204 and 304), skips interim 1xx
// answers, bounds the head and chunk-size lines so a hostile server cannot make it buffer without end, and caps
// the body. The keep-alive probe client and the admin's one-shot exchange both read their answers through it;
// neither the socket nor retrying is its business.
class HttpResponseParser final {
public:
    enum class Result {
        NeedMore, // a complete response needs more bytes (or the close, for a body that runs until then)
        Complete,
        TooLarge, // the body passed the cap, or announced it would; body() holds what fits
        Malformed, // not HTTP/1.x; error() says what was wrong
    };

    // Bounds on what is buffered before a response proves itself.
    static constexpr qsizetype maxHeadBytes = 64 * 1024;
    static constexpr qsizetype maxChunkLineBytes = 1024;

    // A fresh response. noBody: the request was HEAD. bodyCap: at most this many body bytes; 0 for no cap.
    void reset(bool noBody = false, qint64 bodyCap = 0);

    // Parses more bytes. Once the result is not NeedMore it stays, and later bytes are ignored (but counted by
    // hasExtraBytes()).
    Result feed(QByteArrayView bytes);
    // The peer closed the connection: this completes a body that runs until the close.
    Result closed();
    Result result() const { return m_result; }

    int status() const { return m_status; }
    const QList<QPair<QByteArray, QByteArray>>& headers() const { return m_headers; }
    const QByteArray& body() const { return m_body; }
    QByteArray takeBody() { return std::exchange(m_body, {}); }
    bool headersDone() const { return m_state >= State::Body; }
    bool receivedAny() const { return m_receivedAny; }
    // What was wrong, for Malformed: "invalid status line \"HTTP/2 200\"".
    const QString& error() const { return m_error; }
    // The response lets the connection carry another request: HTTP/1.1 or keep-alive, no "Connection: close",
    // a body with a known end, and no bytes beyond it.
    bool keepAlive() const { return m_keepAlive && !m_extraBytes; }

private:
    enum class State { StatusLine, Headers, Body, Done };
    enum class Framing { None, Length, Chunked, UntilClose };
    enum class ChunkState { Size, Data, DataEnd, Trailer };

    bool takeLine(QByteArrayView* line);
    bool parseStatusLine(QByteArrayView line);
    bool parseHeaderLine(QByteArrayView line);
    bool headersComplete();
    bool parseBody(); // false when the state stopped moving: more bytes needed, or the end
    bool appendBody(const char* data, qsizetype size);
    bool malformed(const QString& what);
    void finish(Result result);

    QByteArray m_buffer;
    qsizetype m_pos = 0;
    State m_state = State::StatusLine;
    Framing m_framing = Framing::None;
    ChunkState m_chunkState = ChunkState::Size;
    Result m_result = Result::NeedMore;
    qint64 m_remaining = 0;
    qsizetype m_headBytes = 0;
    qint64 m_bodyCap = 0;
    bool m_noBody = false;
    bool m_keepAlive = true;
    bool m_receivedAny = false;
    bool m_extraBytes = false;
    int m_status = 0;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QByteArray m_body;
    QString m_error;
};

} // namespace hd
