#include "pattern.h"

#include <QList>
#include <QString>
#include <string>
#include <string_view>

namespace hd {
namespace {

// A port of Go's filepath.Match on code points. By the time it runs the
// separators are gone, so '*' and '?' may match any character.
using View = std::u32string_view;

struct Chunk {
    bool star = false;
    View text;
    View rest;
};

struct ChunkMatch {
    bool ok = false;
    bool malformed = false;
    View rest;
};

Chunk scanChunk(View pattern)
{
    Chunk c;
    while (!pattern.empty() && pattern.front() == U'*') {
        pattern.remove_prefix(1);
        c.star = true;
    }
    bool inRange = false;
    size_t i = 0;
    for (; i < pattern.size(); ++i) {
        const char32_t ch = pattern[i];
        if (ch == U'\\') {
            if (i + 1 < pattern.size())
                ++i;
        } else if (ch == U'[') {
            inRange = true;
        } else if (ch == U']') {
            inRange = false;
        } else if (ch == U'*' && !inRange) {
            break;
        }
    }
    c.text = pattern.substr(0, i);
    c.rest = pattern.substr(i);
    return c;
}

// One possibly escaped character inside [...]; false when the class is malformed.
bool classChar(View& chunk, char32_t& out)
{
    if (chunk.empty() || chunk.front() == U'-' || chunk.front() == U']')
        return false;
    if (chunk.front() == U'\\') {
        chunk.remove_prefix(1);
        if (chunk.empty())
            return false;
    }
    out = chunk.front();
    chunk.remove_prefix(1);
    return !chunk.empty();
}

ChunkMatch matchChunk(View chunk, View s)
{
    constexpr ChunkMatch malformed { false, true, {} };
    // After a mismatch the loop keeps going, only to check the chunk is well formed.
    bool failed = false;
    while (!chunk.empty()) {
        if (!failed && s.empty())
            failed = true;
        switch (chunk.front()) {
        case U'[': {
            char32_t r = 0;
            if (!failed) {
                r = s.front();
                s.remove_prefix(1);
            }
            chunk.remove_prefix(1);
            bool negated = false;
            if (!chunk.empty() && chunk.front() == U'^') {
                negated = true;
                chunk.remove_prefix(1);
            }
            bool match = false;
            for (int ranges = 0;; ++ranges) {
                if (!chunk.empty() && chunk.front() == U']' && ranges > 0) {
                    chunk.remove_prefix(1);
                    break;
                }
                char32_t lo = 0;
                if (!classChar(chunk, lo))
                    return malformed;
                char32_t hi = lo;
                if (chunk.front() == U'-') {
                    chunk.remove_prefix(1);
                    if (!classChar(chunk, hi))
                        return malformed;
                }
                if (lo <= r && r <= hi)
                    match = true;
            }
            if (match == negated)
                failed = true;
            break;
        }
        case U'?':
            if (!failed)
                s.remove_prefix(1);
            chunk.remove_prefix(1);
            break;
        case U'\\':
            chunk.remove_prefix(1);
            if (chunk.empty())
                return malformed;
            [[fallthrough]];
        default:
            if (!failed) {
                if (chunk.front() != s.front())
                    failed = true;
                s.remove_prefix(1);
            }
            chunk.remove_prefix(1);
            break;
        }
    }
    if (failed)
        return {};
    return { true, false, s };
}

bool goMatch(View pattern, View name)
{
    while (!pattern.empty()) {
        const Chunk chunk = scanChunk(pattern);
        pattern = chunk.rest;
        if (chunk.star && chunk.text.empty())
            return true; // a trailing * takes the rest
        ChunkMatch m = matchChunk(chunk.text, name);
        // The last chunk must use up the name; otherwise the star may still help.
        if (m.ok && (m.rest.empty() || !pattern.empty())) {
            name = m.rest;
            continue;
        }
        if (m.malformed)
            return false;
        bool advanced = false;
        for (size_t i = 0; chunk.star && i < name.size(); ++i) {
            m = matchChunk(chunk.text, name.substr(i + 1));
            if (m.ok) {
                if (pattern.empty() && !m.rest.empty())
                    continue;
                name = m.rest;
                advanced = true;
                break;
            }
            if (m.malformed)
                return false;
        }
        if (!advanced)
            return false;
    }
    return name.empty();
}

std::u32string withoutSlashes(QStringView text)
{
    std::u32string out;
    out.reserve(size_t(text.size()));
    for (const char32_t ch : text.toUcs4()) {
        if (ch != U'/')
            out.push_back(ch);
    }
    return out;
}

} // namespace

bool matchPattern(QStringView pattern, QStringView value)
{
    if (pattern == u"*")
        return true;
    return goMatch(withoutSlashes(pattern), withoutSlashes(value));
}

} // namespace hd
