using StaticOffload.Rules;
using StaticOffload.Snapshot;

namespace StaticOffload.Tests.Snapshot;

public class RemoteStateTests
{
    private const string Md5 = "0123456789abcdef0123456789abcdef";

    private static SyncSnapshot Sample(params string[] keys) => new()
    {
        Destination = "s3://b/p/",
        Deploys = 3,
        Entries = keys.ToDictionary(k => k, k => new SnapshotEntry
        {
            Size = 4, LastWriteTicks = 638_000_000_000_000_000, Md5 = Md5, Sha256 = "s", ETag = Md5 + "-2",
            Headers = new ObjectHeaders("text/css", "no-cache"),
        }, StringComparer.Ordinal),
    };

    [Fact]
    public void The_same_state_serializes_to_the_same_bytes_whatever_the_entry_order()
    {
        Assert.Equal(RemoteState.Serialize(Sample("b", "a", "c")), RemoteState.Serialize(Sample("c", "a", "b")));
    }

    [Fact]
    public void Writes_exactly_the_json_the_generated_serializer_writes_of_the_entries_it_keeps()
    {
        var headers = new ObjectHeaders("text/html; charset=utf-8", "public, max-age=31536000, immutable", "br", "STANDARD_IA",
            "public-read", "/new?a=1&b=<2>");
        var entries = new (string Key, SnapshotEntry Entry)[]
        {
            ("p/index.html", new() { Size = 12, ETag = Md5, Headers = headers, EntryFile = true }),
            ("p/caf\u00e9 \"quoted\" +'&<>.css", new() { Size = 1, ETag = Md5 + "-3", Headers = new ObjectHeaders("text/css") }),
            ("p/emoji-\ud83d\ude00/\u4e2d.txt", new() { ETag = "", VersionId = "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", EntryFile = false }),
            ("p/gone.js", new()
            {
                Size = 5_000_000_000, ETag = Md5, RemovedAt = new DateTimeOffset(2026, 11, 29, 12, 30, 1, 250, TimeSpan.Zero),
                RemovedAtDeploy = 0, Headers = new ObjectHeaders("application/javascript", "no-cache"),
            }),
            ("p/no-headers", new() { Size = 3, ETag = Md5 }),
        };
        var kept = entries.ToDictionary(e => e.Key, e => e.Entry, StringComparer.Ordinal);
        // What a deploy hands it: local times and content hashes too, which the state never keeps.
        var given = kept.ToDictionary(e => e.Key, e => e.Value with { LastWriteTicks = 42, Md5 = Md5, Sha256 = "s", Xxh128 = "x" },
            StringComparer.Ordinal);

        foreach (var (destination, deploys) in new[] { ("s3://b/p/", 7), ("", 0) })
        {
            var snapshot = new SyncSnapshot { Destination = destination, Deploys = deploys, Entries = given };
            var expected = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
                new RemoteState.StateDocument(RemoteState.FormatVersion, destination, deploys,
                    new SortedDictionary<string, SnapshotEntry>(kept, StringComparer.Ordinal)),
                RemoteStateJsonContext.Default.StateDocument);

            Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(Json(RemoteState.Serialize(snapshot))));
        }

        // The writer names each property itself: every one the document can hold (a property added to an entry or to
        // its headers later included) is in the data above, so the comparison covers it, unless the state never keeps it.
        string[] neverKept = ["lastWriteTicks", "xxh128", "md5", "sha256"];
        var written = System.Text.Encoding.UTF8.GetString(Json(RemoteState.Serialize(new SyncSnapshot { Destination = "s3://b/p/", Entries = kept })));
        foreach (var type in new[] { typeof(SnapshotEntry), typeof(ObjectHeaders) })
        {
            foreach (var property in RemoteStateJsonContext.Default.GetTypeInfo(type)!.Properties.Where(p => p.Get is not null && !neverKept.Contains(p.Name)))
            {
                Assert.Contains($"\"{property.Name}\":", written, StringComparison.Ordinal);
            }
        }
    }

    private static byte[] Json(byte[] gzipped)
    {
        using var json = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(new MemoryStream(gzipped), System.IO.Compression.CompressionMode.Decompress))
        {
            gzip.CopyTo(json);
        }

        return json.ToArray();
    }

    public static TheoryData<string, Func<SyncSnapshot, SyncSnapshot>> Changes => new()
    {
        { "a header", s => With(s, "b", e => e with { Headers = new ObjectHeaders("text/css", "max-age=60") }) },
        { "an ETag", s => With(s, "b", e => e with { ETag = Md5 }) },
        { "a size", s => With(s, "b", e => e with { Size = 5 }) },
        { "a removal", s => With(s, "b", e => e with { RemovedAt = DateTimeOffset.UnixEpoch, RemovedAtDeploy = 3 }) },
        { "a version", s => With(s, "b", e => e with { VersionId = "v2" }) },
        { "an entry file", s => With(s, "b", e => e with { EntryFile = true }) },
        { "the deploys", s => s with { Deploys = 4 } },
        { "the destination", s => s with { Destination = "s3://b/q/" } },
        { "a key more", s => s with { Entries = new Dictionary<string, SnapshotEntry>(s.Entries) { ["d"] = s.Entries["a"] } } },
        { "a key less", s => s with { Entries = s.Entries.Where(e => e.Key != "c").ToDictionary() } },
    };

    private static SyncSnapshot With(SyncSnapshot snapshot, string key, Func<SnapshotEntry, SnapshotEntry> change) =>
        snapshot with { Entries = new Dictionary<string, SnapshotEntry>(snapshot.Entries) { [key] = change(snapshot.Entries[key]) } };

    [Fact]
    public void A_state_that_would_serialize_to_what_was_read_is_known_unchanged_without_serializing()
    {
        var read = RemoteState.Deserialize(RemoteState.Serialize(Sample("a", "b", "c")))!;
        // Local times and hashes are not part of the state; neither is the entry order.
        var local = Sample("c", "b", "a");
        local = With(local, "a", e => e with { LastWriteTicks = 1, Xxh128 = "x", Md5 = null, Sha256 = null });

        Assert.True(RemoteState.Unchanged(local, read));
        Assert.Equal(RemoteState.Serialize(local), RemoteState.Serialize(read));
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public void Any_change_the_state_keeps_makes_it_changed(string what, Func<SyncSnapshot, SyncSnapshot> change)
    {
        var read = RemoteState.Deserialize(RemoteState.Serialize(Sample("a", "b", "c")))!;
        var changed = change(Sample("a", "b", "c"));

        Assert.False(RemoteState.Unchanged(changed, read), what);
        Assert.NotEqual(RemoteState.Serialize(changed), RemoteState.Serialize(read));
    }

    [Fact]
    public void Local_file_times_are_not_part_of_the_bucket_state()
    {
        var state = RemoteState.Deserialize(RemoteState.Serialize(Sample("a")))!;

        Assert.Equal(0, state.Entries["a"].LastWriteTicks);
        Assert.Equal(3, state.Deploys);
        Assert.Equal(new ObjectHeaders("text/css", "no-cache"), state.Entries["a"].Headers);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"version\":99,\"entries\":{}}")]
    [InlineData("{\"version\":1}")]
    [InlineData("{\"version\":1,\"entries\":{\"k\":null}}")]
    public void Unreadable_or_foreign_state_is_not_trusted(string json)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(json));
        }

        Assert.Null(RemoteState.Deserialize(compressed.ToArray()));
        Assert.Null(RemoteState.Deserialize(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void The_bucket_state_keeps_only_what_a_listing_cannot_tell_and_is_compressed()
    {
        var snapshot = Sample(Enumerable.Range(0, 1000).Select(i => $"assets/file{i:0000}.css").ToArray());
        foreach (var key in snapshot.Entries.Keys.ToArray())
        {
            snapshot.Entries[key] = snapshot.Entries[key] with { Md5 = Md5, ETag = Md5 };
        }

        var body = RemoteState.Serialize(snapshot);
        var state = RemoteState.Deserialize(body)!;

        Assert.Null(state.Entries["assets/file0000.css"].Sha256);
        Assert.Null(state.Entries["assets/file0000.css"].Md5);
        Assert.Equal(Md5, state.Entries["assets/file0000.css"].ETag);
        Assert.InRange(body.Length, 1, 20 * 1000);
    }

    [Theory]
    [InlineData("site/", "site/.staticoffload/state.json", true)]
    [InlineData("site/", "site/.staticoffload/other", true)]
    [InlineData("site/", "site/x/.staticoffload/state.json", false)]
    [InlineData("", ".staticoffload/state.json", true)]
    [InlineData("", "site/.staticoffload/state.json", false)]
    public void Only_the_folder_right_below_the_prefix_is_reserved(string prefix, string key, bool reserved) =>
        Assert.Equal(reserved, StaticOffload.Keys.ObjectKeys.IsReserved(prefix, key));

    private static byte[] Gzip(string json)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(json));
        }

        return compressed.ToArray();
    }

    private static string Json(SyncSnapshot snapshot)
    {
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(RemoteState.Serialize(snapshot)), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }

    [Fact]
    public void A_state_that_expands_past_the_limit_is_refused_without_reading_it_all()
    {
        // A gzip bomb: a few hundred KB that expand to 200 MB of JSON white space.
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write("{\"version\":1,"u8);
            var spaces = new byte[1 << 20];
            Array.Fill(spaces, (byte)' ');
            for (var i = 0; i < 200; i++)
            {
                gzip.Write(spaces);
            }

            gzip.Write("\"entries\":{}}"u8);
        }

        Assert.InRange(compressed.Length, 1, 1024 * 1024);
        var before = GC.GetTotalAllocatedBytes();

        Assert.Null(RemoteState.Read(compressed.ToArray(), "site/", out var problem));

        Assert.Contains("expands to more than 64 MB", problem);
        // Stopped at the limit: far less held than the 200 MB it expands to.
        Assert.InRange(GC.GetTotalAllocatedBytes() - before, 0, 160L * 1024 * 1024);
    }

    public static TheoryData<string, string> HostileStates => new()
    {
        { "\"outside/x.css\":{\"size\":1,\"eTag\":\"abc\"}", "not one this sync manages" },
        { "\"site/.staticoffload/state.json.gz\":{\"size\":1,\"eTag\":\"abc\"}", "not one this sync manages" },
        { "\"site/../x.css\":{\"size\":1,\"eTag\":\"abc\"}", "not one this sync manages" },
        { "\"site/a\\u0001.css\":{\"size\":1,\"eTag\":\"abc\"}", "not one this sync manages" },
        { "\"site/x.css\":{\"size\":-1,\"eTag\":\"abc\"}", "negative size" },
        { "\"site/x.css\":{\"size\":1,\"eTag\":\"\"}", "no usable ETag" },
        { "\"site/x.css\":{\"size\":1,\"eTag\":\"abc\",\"md5\":\"zz\"}", "MD5" },
        { "\"site/x.css\":{\"size\":1,\"eTag\":\"abc\",\"removedAtDeploy\":99}", "removed at deploy" },
    };

    [Theory]
    [MemberData(nameof(HostileStates))]
    public void A_state_with_a_hostile_or_malformed_entry_is_refused_whole(string entry, string expected)
    {
        var json = Json(Sample() with { Destination = "s3://b/site/" }).Replace("\"entries\":{}", "\"entries\":{" + entry + "}", StringComparison.Ordinal);
        Assert.Contains(entry[..8], json);

        Assert.Null(RemoteState.Read(Gzip(json), "site/", out var problem, "s3://b/site/"));

        Assert.Contains(expected, problem);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void A_state_with_an_implausible_deploy_count_is_refused(int deploys)
    {
        var json = Json(Sample()).Replace("\"deploys\":3", $"\"deploys\":{deploys}", StringComparison.Ordinal);
        Assert.Contains($"\"deploys\":{deploys}", json);

        Assert.Null(RemoteState.Read(Gzip(json), "site/", out var problem));

        Assert.Contains("deploy count", problem);
    }

    [Fact]
    public void A_state_of_another_site_is_refused_and_the_endpoint_is_not_compared()
    {
        var body = RemoteState.Serialize(Sample("site/a.css") with { Destination = "s3://b/site/ at http://old-endpoint:9000" });

        Assert.NotNull(RemoteState.Read(body, "site/", out _, "s3://b/site/"));
        Assert.Null(RemoteState.Read(body, "site/", out var problem, "s3://other/site/"));
        Assert.Contains("not of s3://other/site/", problem);
    }

    [Fact]
    public void A_good_state_is_read_with_its_entries()
    {
        var state = RemoteState.Read(RemoteState.Serialize(Sample("site/a.css", "site/b/c.js")), "site/", out var problem, "s3://b/p/");

        Assert.Null(problem);
        Assert.Equal(["site/a.css", "site/b/c.js"], state!.Entries.Keys.Order(StringComparer.Ordinal));
    }
}
