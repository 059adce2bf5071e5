#include "httpresponseparser.h"

#include <cctype>

namespace hd {

namespace {

// The start of what the server sent, printable, for an error detail.
QString preview(QByteArrayView bytes)
{
    QByteArray shown = bytes.first(qMin<qsizetype>(bytes.size(), 40)).toByteArray();
    for (char& c : shown) {
        if (uchar(c) < 0x20 || uchar(c) > 0x7e)
            c = '.';
    }
    return QString::fromLatin1(shown);
}

} // namespace

// The length test first, as most names differ in it.
bool httpHeaderIs(QByteArrayView name, QByteArrayView wanted)
{
    return name.size() == wanted.size() && name.compare(wanted, Qt::CaseInsensitive) == 0;
}

bool httpHasToken(QByteArrayView list, QByteArrayView token)
{
    while (!list.isEmpty()) {
        const qsizetype comma = list.indexOf(',');
        const QByteArrayView part = comma < 0 ? list : list.first(comma);
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
        list = comma < 0 ? QByteArrayView() : list.sliced(comma + 1);
    }
    return false;
}

void HttpResponseParser::reset(bool noBody, qint64 bodyCap)
{
    *this = HttpResponseParser();
    m_noBody = noBody;
    m_bodyCap = bodyCap;
}

HttpResponseParser::Result HttpResponseParser::feed(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return m_result;
    if (m_result != Result::NeedMore) {
        m_extraBytes = true;
        return m_result;
    }
    m_receivedAny = true;
    m_buffer.append(bytes);
    while (m_result == Result::NeedMore) {
        QByteArrayView line;
        bool moved = false;
        switch (m_state) {
        case State::StatusLine:
            // Tolerate stray line ends before the status line.
            while (m_pos < m_buffer.size() && (m_buffer.at(m_pos) == '\r' || m_buffer.at(m_pos) == '\n'))
                ++m_pos;
            if (m_buffer.size() - m_pos >= 5 && !QByteArrayView(m_buffer).sliced(m_pos, 5).startsWith("HTTP/")) {
                malformed(QStringLiteral("the status line does not start with HTTP/ (\"%1\")")
                              .arg(preview(QByteArrayView(m_buffer).sliced(m_pos))));
                break;
            }
            if (takeLine(&line))
                moved = parseStatusLine(line);
            else if (m_buffer.size() - m_pos > maxHeadBytes)
                malformed(QStringLiteral("status line longer than %1 bytes").arg(maxHeadBytes));
            break;
        case State::Headers:
            if (!takeLine(&line)) {
                if (m_headBytes + m_buffer.size() - m_pos > maxHeadBytes)
                    malformed(QStringLiteral("response headers larger than %1 bytes").arg(maxHeadBytes));
            } else if (m_headBytes > maxHeadBytes) {
                malformed(QStringLiteral("response headers larger than %1 bytes").arg(maxHeadBytes));
            } else {
                moved = parseHeaderLine(line);
            }
            break;
        case State::Body:
            moved = parseBody();
            break;
        case State::Done:
            break;
        }
        if (!moved)
            break;
    }
    if (m_result != Result::NeedMore && m_pos < m_buffer.size())
        m_extraBytes = true;
    // Keep only what is still to be parsed.
    if (m_pos == m_buffer.size())
        m_buffer.clear();
    else
        m_buffer.remove(0, m_pos);
    m_pos = 0;
    return m_result;
}

HttpResponseParser::Result HttpResponseParser::closed()
{
    if (m_result == Result::NeedMore && m_state == State::Body && m_framing == Framing::UntilClose) {
        m_keepAlive = false;
        finish(Result::Complete);
    }
    return m_result;
}

bool HttpResponseParser::takeLine(QByteArrayView* line)
{
    const qsizetype end = m_buffer.indexOf('\n', m_pos);
    if (end < 0)
        return false;
    qsizetype stop = end;
    if (stop > m_pos && m_buffer.at(stop - 1) == '\r')
        --stop;
    *line = QByteArrayView(m_buffer).sliced(m_pos, stop - m_pos); // valid until m_buffer changes
    m_headBytes += end + 1 - m_pos;
    m_pos = end + 1;
    return true;
}

bool HttpResponseParser::parseStatusLine(QByteArrayView line)
{
    // HTTP/1.x SP 3DIGIT [SP reason]
    const bool ok = line.size() >= 12 && line.startsWith("HTTP/1.") && std::isdigit(uchar(line.at(7)))
        && line.at(8) == ' ' && std::isdigit(uchar(line.at(9))) && std::isdigit(uchar(line.at(10)))
        && std::isdigit(uchar(line.at(11))) && (line.size() == 12 || line.at(12) == ' ');
    if (!ok)
        return malformed(QStringLiteral("invalid status line \"%1\"").arg(preview(line)));
    m_status = line.sliced(9, 3).toInt();
    m_headers.clear();
    m_headers.reserve(12);
    m_keepAlive = line.at(7) != '0'; // HTTP/1.0 closes unless it says otherwise
    m_state = State::Headers;
    m_headBytes = line.size();
    return true;
}

bool HttpResponseParser::parseHeaderLine(QByteArrayView line)
{
    if (line.isEmpty())
        return headersComplete();
    if (line.at(0) == ' ' || line.at(0) == '\t') {
        // An obsolete folded continuation of the previous value.
        if (m_headers.isEmpty())
            return malformed(QStringLiteral("header continuation without a header"));
        QByteArray& value = m_headers.last().second;
        value += ' ';
        value += line.trimmed();
        return true;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView name = colon > 0 ? line.first(colon) : QByteArrayView();
    if (name.isEmpty() || name.contains(' ') || name.contains('\t'))
        return malformed(QStringLiteral("malformed header line \"%1\"").arg(preview(line)));
    m_headers.append({ name.toByteArray(), line.sliced(colon + 1).trimmed().toByteArray() });
    return true;
}

bool HttpResponseParser::headersComplete()
{
    if (m_status >= 100 && m_status < 200) {
        // Interim answers (100 Continue, 103 Early Hints) precede the real one.
        m_status = 0;
        m_headers.clear();
        m_state = State::StatusLine;
        return true;
    }
    qint64 length = -1;
    QByteArray transferEncoding;
    for (const auto& [name, value] : std::as_const(m_headers)) {
        if (httpHeaderIs(name, "Connection")) {
            if (httpHasToken(value, "close"))
                m_keepAlive = false;
            else if (httpHasToken(value, "keep-alive"))
                m_keepAlive = true;
        } else if (httpHeaderIs(name, "Transfer-Encoding")) {
            transferEncoding = value;
        } else if (httpHeaderIs(name, "Content-Length")) {
            bool ok = false;
            const qint64 value64 = value.toLongLong(&ok);
            if (!ok || value64 < 0 || (length >= 0 && length != value64))
                return malformed(QStringLiteral("invalid Content-Length \"%1\"").arg(preview(value)));
            length = value64;
        }
    }

    m_state = State::Body;
    if (m_noBody || m_status == 204 || m_status == 304) {
        m_framing = Framing::None;
    } else if (!transferEncoding.isEmpty()) {
        m_framing = transferEncoding.trimmed().toLower().endsWith("chunked") ? Framing::Chunked : Framing::UntilClose;
        m_chunkState = ChunkState::Size;
    } else if (length >= 0) {
        m_framing = length == 0 ? Framing::None : Framing::Length;
        m_remaining = length;
        if (m_bodyCap > 0 && length > m_bodyCap) {
            // Announced too large: stop before reading any of it.
            m_keepAlive = false;
            finish(Result::TooLarge);
            return false;
        }
    } else {
        m_framing = Framing::UntilClose;
    }
    if (m_framing == Framing::UntilClose)
        m_keepAlive = false;
    if (m_framing == Framing::None) {
        finish(Result::Complete);
        return false;
    }
    return true;
}

bool HttpResponseParser::appendBody(const char* data, qsizetype size)
{
    if (m_bodyCap > 0 && m_body.size() + size > m_bodyCap) {
        // Past the cap: keep what fits and give up on the rest (and on the connection).
        m_body.append(data, qsizetype(m_bodyCap - m_body.size()));
        m_keepAlive = false;
        finish(Result::TooLarge);
        return false;
    }
    m_body.append(data, size);
    return true;
}

bool HttpResponseParser::parseBody()
{
    const qsizetype pending = m_buffer.size() - m_pos;
    switch (m_framing) {
    case Framing::None:
        finish(Result::Complete);
        return false;
    case Framing::UntilClose:
        if (appendBody(m_buffer.constData() + m_pos, pending))
            m_pos += pending;
        return false; // until the close
    case Framing::Length: {
        const qsizetype take = qsizetype(qMin<qint64>(pending, m_remaining));
        if (!appendBody(m_buffer.constData() + m_pos, take))
            return false;
        m_pos += take;
        m_remaining -= take;
        if (m_remaining == 0)
            finish(Result::Complete);
        return false;
    }
    case Framing::Chunked:
        break;
    }

    QByteArrayView line;
    switch (m_chunkState) {
    case ChunkState::Size: {
        if (!takeLine(&line)) {
            if (pending > maxChunkLineBytes)
                malformed(QStringLiteral("chunk size line longer than %1 bytes").arg(maxChunkLineBytes));
            return false;
        }
        const qsizetype semicolon = line.indexOf(';'); // chunk extensions are ignored
        const QByteArrayView digits = (semicolon >= 0 ? line.first(semicolon) : line).trimmed();
        bool ok = false;
        const qint64 size = digits.toLongLong(&ok, 16);
        if (!ok || size < 0 || digits.isEmpty())
            return malformed(QStringLiteral("invalid chunk size \"%1\"").arg(preview(line)));
        m_remaining = size;
        m_chunkState = size == 0 ? ChunkState::Trailer : ChunkState::Data;
        return true;
    }
    case ChunkState::Data: {
        const qsizetype take = qsizetype(qMin<qint64>(pending, m_remaining));
        if (take == 0 || !appendBody(m_buffer.constData() + m_pos, take))
            return false;
        m_pos += take;
        m_remaining -= take;
        if (m_remaining == 0)
            m_chunkState = ChunkState::DataEnd;
        return true;
    }
    case ChunkState::DataEnd:
        if (!takeLine(&line))
            return false;
        if (!line.isEmpty())
            return malformed(QStringLiteral("chunk data longer than its size"));
        m_chunkState = ChunkState::Size;
        return true;
    case ChunkState::Trailer:
        if (!takeLine(&line))
            return false;
        if (line.isEmpty()) {
            finish(Result::Complete);
            return false;
        }
        return true; // trailer fields are not reported
    }
    return false;
}

bool HttpResponseParser::malformed(const QString& what)
{
    m_error = what;
    m_keepAlive = false;
    finish(Result::Malformed);
    return false;
}

void HttpResponseParser::finish(Result result)
{
    m_result = result;
    m_state = State::Done;
}

} // namespace hd
