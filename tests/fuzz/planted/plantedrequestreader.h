#pragma once

#include <cstddef>
#include <memory>

#include <http_parser.h>

// A cut-down copy of HttpRequestReader's core path (http-parser callbacks collecting the
// header names) WITH A DELIBERATE OFF-BY-ONE, to show that fuzz_planted_requestreader finds
// such a bug within the CI time bound. Test code only: never linked into the product.
class PlantedRequestReader
{
public:
    enum class Result { NeedMore, Message, Refused };

    PlantedRequestReader();
    Result read(const char *data, size_t size, size_t *consumed);
    size_t headerCount() const { return m_headerCount; }

private:
    static int onMessageBegin(http_parser *parser);
    static int onHeaderField(http_parser *parser, const char *at, size_t size);
    static int onHeaderValue(http_parser *parser, const char *at, size_t size);
    static int onMessageComplete(http_parser *parser);

    static constexpr size_t kMaxName = 32;

    http_parser m_parser;
    http_parser_settings m_settings;
    std::unique_ptr<char[]> m_name;  // the header name being read, NUL-terminated
    size_t m_nameSize = 0;
    size_t m_headerCount = 0;
    bool m_lastWasValue = true;
};
