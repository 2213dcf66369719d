using StaticOffload.State;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using StaticOffload.Diagnostics;
using StaticOffload.Planning;
using StaticOffload.Snapshot;
using StaticOffload.Sync;
using StaticOffload.Tests.Infrastructure;

namespace StaticOffload.Tests.Reliability;

/// <summary>
/// The local side failing: a read-only or full snapshot folder gets its own coded error naming the path and the fix,
/// at once, and never leaves a snapshot that no longer describes the bucket. Real mounts, the real local server.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class LocalDiskTests(S3ServerFixture server)
{
    private async Task<(EngineHarness Harness, string Bucket)> SiteAsync(string name)
    {
        var bucket = await server.CreateBucketAsync(name);
        var harness = new EngineHarness(server, bucket, "site/");
        // Not next to the snapshot: the report of a run whose snapshot folder failed must still be written.
        harness.ReportPath = Path.Combine(harness.Root + ".report", "report.json");
        harness.Write("index.html", "<html>v1</html>");
        harness.Write("css/a.css", "a{}");
        harness.Write("js/b.js", "b();");
        return (harness, bucket);
    }

    private static void Cleanup(EngineHarness harness)
    {
        harness.Dispose();
        if (Directory.Exists(harness.Root + ".report"))
        {
            Directory.Delete(harness.Root + ".report", recursive: true);
        }
    }

    public enum ReadOnlyCase
    {
        /// <summary>The snapshot goes straight into a read-only folder.</summary>
        FolderIsReadOnly,

        /// <summary>The snapshot's folder does not exist and cannot be created.</summary>
        FolderCannotBeCreated,

        /// <summary>obj/ held a snapshot from an earlier run and is read-only now.</summary>
        ExistingFolderMadeReadOnly,
    }

    [MountTheory]
    [InlineData(ReadOnlyCase.FolderIsReadOnly)]
    [InlineData(ReadOnlyCase.FolderCannotBeCreated)]
    [InlineData(ReadOnlyCase.ExistingFolderMadeReadOnly)]
    public async Task A_read_only_snapshot_folder_fails_at_once_with_SO1030_before_any_request(ReadOnlyCase @case)
    {
        var (harness, bucket) = await SiteAsync(nameof(A_read_only_snapshot_folder_fails_at_once_with_SO1030_before_any_request) + @case);
        TempMount? mount = null;
        try
        {
            if (@case == ReadOnlyCase.ExistingFolderMadeReadOnly)
            {
                await harness.SyncSucceededAsync();
                harness.Write("index.html", "<html>v2</html>");
                mount = TempMount.ReadOnlyOver(Path.GetDirectoryName(harness.SnapshotPath)!);
            }
            else
            {
                mount = TempMount.Tmpfs("ro,size=64k");
                harness.SnapshotPath = @case == ReadOnlyCase.FolderIsReadOnly
                    ? Path.Combine(mount.Path, "snapshot.json")
                    : Path.Combine(mount.Path, "obj", "Release", "snapshot.json");
            }

            var before = server.RequestsTo(bucket).Count;
            var clock = Stopwatch.StartNew();
            var result = await harness.SyncAsync();
            clock.Stop();

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:0.0} s");
            var error = Assert.Single(result.Diagnostics);
            Assert.Equal(Messages.LocalWriteFailedCode, error.Code);
            Assert.Equal(DiagnosticSeverity.Error, error.Severity);
            Assert.Contains(Path.GetDirectoryName(harness.SnapshotPath)!, error.Message, StringComparison.Ordinal);
            Assert.Contains("read-only", error.Message, StringComparison.Ordinal);
            Assert.Contains("StaticOffloadSnapshotFile", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(server.RequestsTo(bucket).Since(before).All, r => r.Key is not null);
            Assert.Contains(harness.Messages, m => m.StartsWith($"StaticOffload: s3://{bucket}/site/", StringComparison.Ordinal));
            AssertReportHas(harness, Messages.LocalWriteFailedCode);
        }
        finally
        {
            mount?.Dispose();
            Cleanup(harness);
        }
    }

    [MountFact]
    public async Task The_lock_file_on_a_full_disk_is_SO1030_naming_the_lock_and_free_space()
    {
        var (harness, bucket) = await SiteAsync(nameof(The_lock_file_on_a_full_disk_is_SO1030_naming_the_lock_and_free_space));
        // One inode for the root, one for the filler: no file can be created, not even an empty one.
        using var mount = TempMount.Tmpfs("size=64k,nr_inodes=2");
        try
        {
            File.WriteAllBytes(Path.Combine(mount.Path, "filler"), []);
            harness.SnapshotPath = Path.Combine(mount.Path, "snapshot.json");

            var clock = Stopwatch.StartNew();
            var result = await harness.SyncAsync();

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:0.0} s");
            var error = Assert.Single(result.Diagnostics);
            Assert.Equal(Messages.LocalWriteFailedCode, error.Code);
            Assert.Contains(harness.SnapshotPath + ".lock", error.Message, StringComparison.Ordinal);
            Assert.Contains("free space", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(server.RequestsTo(bucket).All, r => r.Key is not null);
            AssertReportHas(harness, Messages.LocalWriteFailedCode);
        }
        finally
        {
            Cleanup(harness);
        }
    }

    [MountFact]
    public async Task A_full_disk_when_the_snapshot_is_saved_is_SO1030_removes_the_old_snapshot_and_the_next_run_converges()
    {
        var (harness, bucket) = await SiteAsync(nameof(A_full_disk_when_the_snapshot_is_saved_is_SO1030_removes_the_old_snapshot_and_the_next_run_converges));
        using var mount = TempMount.Tmpfs("size=64k");
        try
        {
            harness.SnapshotPath = Path.Combine(mount.Path, "snapshot.json");
            var stamp = SyncStamp.PathFor(harness.SnapshotPath);
            await harness.SyncSucceededAsync();
            Assert.True(File.Exists(stamp));

            harness.Write("index.html", "<html>v2</html>");
            harness.Write("new.txt", "new");
            // The run removes the stale stamp first; gone already, it cannot free the space the snapshot needs.
            File.Delete(stamp);
            mount.Fill();
            var before = server.RequestsTo(bucket).Count;
            var full = await harness.SyncAsync();

            var error = Assert.Single(full.Diagnostics);
            Assert.Equal(Messages.LocalWriteFailedCode, error.Code);
            Assert.Contains(harness.SnapshotPath, error.Message, StringComparison.Ordinal);
            Assert.Contains("free space", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(harness.Messages, m => m.Contains("   at ", StringComparison.Ordinal));
            Assert.Equal(2, full.CompletedCount(SyncActionKind.Upload));
            Assert.Contains(harness.Messages, m => m.StartsWith($"StaticOffload: s3://{bucket}/site/", StringComparison.Ordinal));
            AssertReportHas(harness, Messages.LocalWriteFailedCode);
            // The bucket's state still records this run, so the next one can trust it instead of reading every object.
            var sent = server.RequestsTo(bucket).Since(before).All;
            var stateWrite = Assert.Single(sent, r => r.Key == RemoteState.Key("site/") && r.Method == "PUT");
            Assert.True(sent.ToList().IndexOf(stateWrite) > sent.ToList().FindLastIndex(r => r.IsUpload && !r.IsState));
            Assert.Contains(await server.ListAsync(bucket, includeState: true), o => o.Key == RemoteState.Key("site/"));
            // The old snapshot says index.html is v1: kept, it would skip a return to v1 that the bucket does not hold.
            Assert.False(File.Exists(harness.SnapshotPath), "the old snapshot no longer describes the bucket");
            Assert.False(File.Exists(stamp));
            Assert.Equal(["filler.bin"], Directory.GetFiles(mount.Path).Select(Path.GetFileName));

            mount.Free();
            harness.Write("index.html", "<html>v1</html>");
            before = server.RequestsTo(bucket).Count;
            var next = await harness.SyncSucceededAsync();

            Assert.True(next.UsedListing);
            Assert.Equal(["site/index.html"], server.RequestsTo(bucket).Since(before).WithoutState().Uploads.Select(r => r.Key));
            var (body, _) = await server.GetAsync(bucket, "site/index.html");
            Assert.Equal("<html>v1</html>", Encoding.UTF8.GetString(body));
            Assert.True(File.Exists(harness.SnapshotPath));
            Assert.True(File.Exists(stamp));
        }
        finally
        {
            Cleanup(harness);
        }
    }

    /// <summary>
    /// Files of 1,000 bytes synced two at a time through a slow proxy, with a checkpoint every 100 ms into a snapshot
    /// on <paramref name="mount"/>: a run long enough to see checkpoints fail on a full disk.
    /// </summary>
    private EngineHarness SlowSiteWithSnapshotOn(TempMount mount, string bucket, FaultProxy proxy, int files)
    {
        var harness = new EngineHarness(server, bucket)
        {
            EndpointOverride = proxy.Endpoint,
            Concurrency = 2,
            ProgressInterval = TimeSpan.FromMilliseconds(100),
            SnapshotPath = Path.Combine(mount.Path, "snapshot.json"),
        };
        for (var i = 0; i < files; i++)
        {
            harness.Write($"f{i:00}.txt", new string('x', 1000));
        }

        return harness;
    }

    [MountFact]
    public async Task A_full_disk_at_a_checkpoint_warns_SO2009_once_and_the_sync_goes_on()
    {
        var bucket = await server.CreateBucketAsync(nameof(A_full_disk_at_a_checkpoint_warns_SO2009_once_and_the_sync_goes_on));
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { Latency = TimeSpan.FromMilliseconds(40) });
        // Room, once freed, for the last checkpoint and the final save's temporary file side by side.
        using var mount = TempMount.Tmpfs("size=512k");
        using var harness = SlowSiteWithSnapshotOn(mount, bucket, proxy, files: 100);

        mount.Fill();
        var run = harness.SyncAsync();
        // Two checkpoints fail while the disk is full; then space is freed and the final save succeeds.
        while (ProgressLines(harness) < 2 && !run.IsCompleted)
        {
            await Task.Delay(20);
        }

        Assert.False(run.IsCompleted, "the sync ended before two checkpoints");
        await Task.Delay(150);
        mount.Free();
        var result = await run;

        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(Messages.CheckpointNotSavedCode, warning.Code);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains(harness.SnapshotPath, warning.Message, StringComparison.Ordinal);
        Assert.True(result.Succeeded);
        Assert.Equal(100, result.CompletedCount(SyncActionKind.Upload));
        var saved = new SnapshotStore(harness.SnapshotPath).Load($"s3://{bucket}/ at {proxy.Endpoint}", out var unreadable);
        Assert.Null(unreadable);
        Assert.Equal(100, saved!.Entries.Count);
        Assert.DoesNotContain(Directory.GetFiles(mount.Path), f => Path.GetFileName(f).StartsWith('.'));
    }

    [MountFact]
    public async Task A_disk_full_for_the_whole_run_warns_once_at_checkpoints_and_fails_the_final_save_with_SO1030()
    {
        var bucket = await server.CreateBucketAsync(nameof(A_disk_full_for_the_whole_run_warns_once_at_checkpoints_and_fails_the_final_save_with_SO1030));
        await using var proxy = new FaultProxy(server.Endpoint, new FaultProfile { Latency = TimeSpan.FromMilliseconds(40) });
        using var mount = TempMount.Tmpfs("size=512k");
        using var harness = SlowSiteWithSnapshotOn(mount, bucket, proxy, files: 40);

        mount.Fill();
        var result = await harness.SyncAsync();

        Assert.Equal([Messages.CheckpointNotSavedCode, Messages.LocalWriteFailedCode], result.Diagnostics.Select(d => d.Code));
        Assert.True(ProgressLines(harness) >= 2, "fewer than two checkpoints");
        Assert.Equal(40, result.CompletedCount(SyncActionKind.Upload));
        Assert.False(File.Exists(harness.SnapshotPath));
        Assert.Equal(["filler.bin"], Directory.GetFiles(mount.Path).Select(Path.GetFileName));
    }

    [MountFact]
    public async Task A_report_that_does_not_fit_on_a_full_disk_is_not_left_truncated()
    {
        var (harness, _) = await SiteAsync(nameof(A_report_that_does_not_fit_on_a_full_disk_is_not_left_truncated));
        using var mount = TempMount.Tmpfs("size=64k");
        try
        {
            harness.ReportPath = Path.Combine(mount.Path, "report.json");
            mount.Fill();

            await harness.SyncSucceededAsync();

            Assert.False(File.Exists(harness.ReportPath), "a report that could not be written whole is not kept");
            Assert.Contains(harness.Messages, m => m.Contains($"could not write {harness.ReportPath}", StringComparison.Ordinal));
        }
        finally
        {
            Cleanup(harness);
        }
    }

    private static int ProgressLines(EngineHarness harness)
    {
        lock (harness.Messages)
        {
            return harness.Messages.Count(m => m.Contains(" changes, ", StringComparison.Ordinal));
        }
    }

    private static void AssertReportHas(EngineHarness harness, string code)
    {
        using var report = JsonDocument.Parse(File.ReadAllBytes(harness.ReportPath!));
        Assert.False(report.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.Contains(report.RootElement.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("code").GetString() == code);
    }
}
