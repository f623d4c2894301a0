/// The Lua scripts that make each cluster write atomic in Redis, and the key layout they share.
///
/// Keys: `herald:log` (the change stream), `herald:indexes` (set of index names),
/// `herald:c:<index>` (collection → mapping JSON), `herald:d:<space>` (id → source JSON) and
/// `herald:v:<space>` (id → `_version`), where `<space>` is `<length of index>:<index>:<collection>`;
/// `herald:seq:<instance>` is the last sequence number a running node instance committed;
/// `herald:rooms:<instance>` (room id → `[count, index, collection]`, expiring unless the instance
/// keeps beating) its rooms, and `herald:instances` the instances that reported rooms.
enum ClusterScripts {
    static let stream = "herald:log"

    /// The key space of one collection's documents.
    static func space(index: String, collection: String) -> String {
        "\(index.utf8.count):\(index):\(collection)"
    }

    /// KEYS[1] stream, KEYS[2] the instance's sequence key. ARGV: 1 expected last sequence, 2 this
    /// sequence, 3 change record (JSON), 4 stream MAXLEN (approximate), 5 operation count, then
    /// 6 values per operation: kind, space or index, id or collection, expected version, new
    /// version, payload. Checks every expected `_version` (and that the instance's previous write
    /// made it), then writes everything and appends the record: all or nothing. A conflict answers
    /// `HERALD_CONFLICT <operation position> <stored version> <id>`.
    static let commit = """
    local last = tonumber(redis.call('GET', KEYS[2]) or '0')
    if last ~= tonumber(ARGV[1]) then
      return redis.error_reply('HERALD_CHAIN ' .. tostring(last))
    end
    local count = tonumber(ARGV[5])
    for i = 0, count - 1 do
      local base = 6 + i * 6
      local kind = ARGV[base]
      if kind == 'put' or kind == 'del' then
        local current = tonumber(redis.call('HGET', 'herald:v:' .. ARGV[base + 1], ARGV[base + 2]) or '0')
        if current ~= tonumber(ARGV[base + 3]) then
          return redis.error_reply('HERALD_CONFLICT ' .. i .. ' ' .. tostring(current) .. ' ' .. ARGV[base + 2])
        end
      end
    end
    for i = 0, count - 1 do
      local base = 6 + i * 6
      local kind, a, b = ARGV[base], ARGV[base + 1], ARGV[base + 2]
      if kind == 'put' then
        redis.call('HSET', 'herald:d:' .. a, b, ARGV[base + 5])
        redis.call('HSET', 'herald:v:' .. a, b, ARGV[base + 4])
      elseif kind == 'del' then
        redis.call('HDEL', 'herald:d:' .. a, b)
        redis.call('HDEL', 'herald:v:' .. a, b)
      elseif kind == 'index' then
        redis.call('SADD', 'herald:indexes', a)
      elseif kind == 'collection' then
        redis.call('SADD', 'herald:indexes', a)
        redis.call('HSET', 'herald:c:' .. a, b, ARGV[base + 5])
      elseif kind == 'truncate' or kind == 'dropCollection' then
        local space = string.len(a) .. ':' .. a .. ':' .. b
        redis.call('DEL', 'herald:d:' .. space, 'herald:v:' .. space)
        if kind == 'dropCollection' then redis.call('HDEL', 'herald:c:' .. a, b) end
      elseif kind == 'dropIndex' then
        for _, collection in ipairs(redis.call('HKEYS', 'herald:c:' .. a)) do
          local space = string.len(a) .. ':' .. a .. ':' .. collection
          redis.call('DEL', 'herald:d:' .. space, 'herald:v:' .. space)
        end
        redis.call('DEL', 'herald:c:' .. a)
        redis.call('SREM', 'herald:indexes', a)
      end
    end
    redis.call('SET', KEYS[2], ARGV[2], 'EX', 86400)
    return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'c', ARGV[3])
    """

    /// The whole state and the stream id it is at, read atomically: `{lastId, collections, documents}`
    /// with collections flat as index, collection, mapping and documents as index, collection, id,
    /// version, source. An index without collections is listed with an empty collection name.
    ///
    /// ARGV: 1 the internal index, 2 its collection count n, then its n collections (loaded whether
    /// or not they are in `herald:c:<index>`: every node creates them itself), then 4 values per
    /// built-in document (collection, id, version, source), stored when Redis has none of that id yet
    /// (every node creates the same ones at start, outside the stream).
    static let load = """
    local info = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
    local lastId = '0-0'
    if #info > 0 then lastId = info[1][1] end
    local internal = ARGV[1]
    local internalCount = tonumber(ARGV[2])
    local function space(index, collection) return string.len(index) .. ':' .. index .. ':' .. collection end
    local position = 3 + internalCount
    while position + 3 <= #ARGV do
      local key = space(internal, ARGV[position])
      if redis.call('HSETNX', 'herald:v:' .. key, ARGV[position + 1], ARGV[position + 2]) == 1 then
        redis.call('HSET', 'herald:d:' .. key, ARGV[position + 1], ARGV[position + 3])
      end
      position = position + 4
    end
    local collections, documents = {}, {}
    local function loadDocuments(index, collection)
      local key = space(index, collection)
      local sources = redis.call('HGETALL', 'herald:d:' .. key)
      for j = 1, #sources, 2 do
        table.insert(documents, index); table.insert(documents, collection); table.insert(documents, sources[j])
        table.insert(documents, redis.call('HGET', 'herald:v:' .. key, sources[j]) or '1')
        table.insert(documents, sources[j + 1])
      end
    end
    for _, index in ipairs(redis.call('SMEMBERS', 'herald:indexes')) do
      local mappings = redis.call('HGETALL', 'herald:c:' .. index)
      if #mappings == 0 then
        table.insert(collections, index); table.insert(collections, ''); table.insert(collections, '')
      end
      for i = 1, #mappings, 2 do
        table.insert(collections, index); table.insert(collections, mappings[i]); table.insert(collections, mappings[i + 1])
        loadDocuments(index, mappings[i])
      end
    end
    for i = 1, internalCount do
      local collection = ARGV[2 + i]
      if redis.call('HEXISTS', 'herald:c:' .. internal, collection) == 0 then loadDocuments(internal, collection) end
    end
    return {lastId, collections, documents}
    """

    /// The heartbeat of one instance. ARGV: 1 instance, 2 time to live of its rooms (ms), 3 `full`
    /// (its rooms follow as room id, value pairs and replace the stored ones) or `keep`. Answers
    /// the other live instances' rooms, flat as room id, value; forgets instances whose rooms expired.
    static let heartbeat = """
    local own = 'herald:rooms:' .. ARGV[1]
    if ARGV[3] == 'full' then
      redis.call('DEL', own)
      for i = 4, #ARGV, 2 do redis.call('HSET', own, ARGV[i], ARGV[i + 1]) end
    end
    redis.call('PEXPIRE', own, ARGV[2])
    redis.call('SADD', 'herald:instances', ARGV[1])
    local others = {}
    for _, instance in ipairs(redis.call('SMEMBERS', 'herald:instances')) do
      if instance ~= ARGV[1] then
        local rooms = redis.call('HGETALL', 'herald:rooms:' .. instance)
        if #rooms == 0 then redis.call('SREM', 'herald:instances', instance) end
        for j = 1, #rooms do table.insert(others, rooms[j]) end
      end
    end
    return others
    """
}
