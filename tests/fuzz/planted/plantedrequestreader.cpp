#include "plantedrequestreader.h"

#include <cstring>

PlantedRequestReader::PlantedRequestReader()
    : m_name(std::make_unique<char[]>(kMaxName))
{
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
    http_parser_settings_init(&m_settings);
    m_settings.on_message_begin = &onMessageBegin;
    m_settings.on_header_field = &onHeaderField;
    m_settings.on_header_value = &onHeaderValue;
    m_settings.on_message_complete = &onMessageComplete;
}

int PlantedRequestReader::onMessageBegin(http_parser *parser)
{
    auto *self = static_cast<PlantedRequestReader *>(parser->data);
    self->m_headerCount = 0;
    self->m_nameSize = 0;
    self->m_lastWasValue = true;
    return 0;
}

int PlantedRequestReader::onHeaderField(http_parser *parser, const char *at, size_t size)
{
    auto *self = static_cast<PlantedRequestReader *>(parser->data);
    if (self->m_lastWasValue)
        self->m_nameSize = 0;  // a new name; otherwise this piece continues the last one
    self->m_lastWasValue = false;
    // THE PLANTED BUG: the bound leaves no room for the terminating NUL (it should be >=),
    // so a name of exactly kMaxName bytes writes one byte past the buffer.
    if (self->m_nameSize + size > kMaxName)
        return -1;
    std::memcpy(self->m_name.get() + self->m_nameSize, at, size);
    self->m_nameSize += size;
    self->m_name[self->m_nameSize] = '\0';
    return 0;
}

int PlantedRequestReader::onHeaderValue(http_parser *parser, const char *, size_t)
{
    auto *self = static_cast<PlantedRequestReader *>(parser->data);
    if (!self->m_lastWasValue)
        ++self->m_headerCount;
    self->m_lastWasValue = true;
    return 0;
}

int PlantedRequestReader::onMessageComplete(http_parser *parser)
{
    http_parser_pause(parser, 1);
    return 0;
}

PlantedRequestReader::Result PlantedRequestReader::read(const char *data, size_t size, size_t *consumed)
{
    *consumed = 0;
    if (size == 0)
        return Result::NeedMore;
    if (HTTP_PARSER_ERRNO(&m_parser) == HPE_PAUSED)
        http_parser_pause(&m_parser, 0);
    *consumed = http_parser_execute(&m_parser, &m_settings, data, size);
    const auto error = HTTP_PARSER_ERRNO(&m_parser);
    if (error == HPE_PAUSED)
        return Result::Message;
    return error == HPE_OK ? Result::NeedMore : Result::Refused;
}
