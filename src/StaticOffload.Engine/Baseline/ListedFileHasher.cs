using System.Threading.Channels;
using StaticOffload.Hashing;
using StaticOffload.Planning;
using StaticOffload.Storage;

namespace StaticOffload.Baseline;

/// <summary>
/// Without a snapshot, every local file whose key the bucket lists must be hashed (its MD5 proves the ETag) before
/// the plan. This hashes each one as soon as a listing page names it, while the other pages are still coming: the
/// same files, the same digests as <see cref="LocalInventory.CompleteAsync"/> would compute after the listing, in the
/// time the listing waits on the store. A file it cannot read is left without a digest, and the step after the
/// listing reads it again and reports it.
/// </summary>
public sealed class ListedFileHasher
{
    /// <summary>What the check of a listed key against the local bytes needs, and what the next run compares.</summary>
    private const DigestKinds Kinds = DigestKinds.Md5 | DigestKinds.ETag | DigestKinds.Xxh128;

    private readonly LocalFile[] _files;
    private readonly Dictionary<string, int> _unhashed;
    private readonly UploadLayout _layout;
    private readonly Channel<int> _queue = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _workers;
    private readonly CancellationToken _cancellationToken;
    private readonly int[] _claimed;
    private int _hashed;

    /// <param name="files">The scanned files; the digests are written into this array.</param>
    public ListedFileHasher(LocalFile[] files, UploadLayout layout, CancellationToken cancellationToken)
    {
        _files = files;
        _layout = layout;
        _cancellationToken = cancellationToken;
        _claimed = new int[files.Length];
        _unhashed = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < files.Length; i++)
        {
            if (files[i].Digest is null && files[i].FullPath.Length > 0)
            {
                _unhashed[files[i].Key] = i;
            }
        }

        _workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(HashQueuedAsync, cancellationToken)).ToArray();
    }

    /// <summary>Files hashed so far.</summary>
    public int Hashed => Volatile.Read(ref _hashed);

    /// <summary>Queues the local files of these listed keys; any thread, each key once however often it is listed.</summary>
    public void Listed(IReadOnlyList<RemoteObject> objects)
    {
        foreach (var o in objects)
        {
            if (_unhashed.TryGetValue(o.Key, out var index) && Interlocked.Exchange(ref _claimed[index], 1) == 0)
            {
                _queue.Writer.TryWrite(index);
            }
        }
    }

    /// <summary>Waits for the files queued so far; call once the listing is complete (or failed).</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task HashQueuedAsync()
    {
        await foreach (var index in _queue.Reader.ReadAllAsync(_cancellationToken).ConfigureAwait(false))
        {
            try
            {
                LocalInventory.Hash(_files, index, Kinds, _layout, _cancellationToken);
                Interlocked.Increment(ref _hashed);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left without a digest: read again after the listing, where the failure is reported.
            }
        }
    }
}
