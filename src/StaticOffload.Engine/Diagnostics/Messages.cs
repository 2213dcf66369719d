using StaticOffload.Files;
using StaticOffload.Snapshot;

namespace StaticOffload.Diagnostics;

/// <summary>
/// Every diagnostic the package reports, in code order: the code, the one-line summary README's error table shows for
/// it, and the messages it is reported with. One line declares a code with its summary; the one-line factories after
/// it, up to the next code, make its messages. Errors are SO1xxx, warnings SO2xxx. A code never changes meaning once
/// released: users search for it and suppress warnings by it. Nothing else creates a <see cref="Diagnostic"/>.
/// </summary>
public static class Messages
{
    [Summary("`StaticOffloadBucket` missing while the sync is enabled.")] public const string MissingBucketCode = "SO1001";

    public static Diagnostic MissingBucket() => Diagnostic.Error(MissingBucketCode, "StaticOffloadBucket is not set. Set it to the bucket's name, e.g. <StaticOffloadBucket>my-site-assets</StaticOffloadBucket>, or set StaticOffloadEnabled=false to skip the sync.");

    [Summary("Invalid bucket name.")] public const string InvalidBucketNameCode = "SO1002";

    public static Diagnostic InvalidBucketName(string bucket) => Diagnostic.Error(InvalidBucketNameCode, $"StaticOffloadBucket '{bucket}' is not a valid S3 bucket name. Use 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit (no 's3://' and no path: put folders in StaticOffloadPrefix).");

    [Summary("Invalid `StaticOffloadPrefix` (leading `/`, `..`, backslash).")] public const string InvalidPrefixCode = "SO1003";

    public static Diagnostic PrefixWithBackslash(string prefix) => Diagnostic.Error(InvalidPrefixCode, $"StaticOffloadPrefix '{prefix}' contains a backslash. S3 keys use forward slashes: write it as '{prefix.Replace('\\', '/')}'.");

    public static Diagnostic PrefixWithLeadingSlash(string prefix) => Diagnostic.Error(InvalidPrefixCode, $"StaticOffloadPrefix '{prefix}' starts with '/'. S3 would create a folder with an empty name; write it as '{prefix.TrimStart('/')}'.");

    public static Diagnostic PrefixWithDotSegment(string prefix) => Diagnostic.Error(InvalidPrefixCode, $"StaticOffloadPrefix '{prefix}' has an empty, '.' or '..' segment. S3 does not resolve them, so the objects would land under a literal '..' folder; write the plain path, e.g. 'site/v1'.");

    public static Diagnostic PrefixWithControlCharacter() => Diagnostic.Error(InvalidPrefixCode, "StaticOffloadPrefix contains a control character. Remove it.");

    [Summary("The bucket does not exist.")] public const string BucketNotFoundCode = "SO1004";

    public static Diagnostic BucketNotFound(string destination) => Diagnostic.Error(BucketNotFoundCode, $"The bucket of {destination} does not exist. Create it first, or fix StaticOffloadBucket (and StaticOffloadRegion / StaticOffloadServiceUrl if it lives elsewhere).");

    [Summary("Access denied.")] public const string AccessDeniedCode = "SO1005";

    public static Diagnostic AccessDenied(string errorCode, string key, string destination) => Diagnostic.Error(AccessDeniedCode, $"Access denied ({errorCode}) on '{key}' in {destination}. The credentials in use need s3:ListBucket on the bucket and s3:PutObject, s3:GetObject, s3:DeleteObject (and s3:PutObjectAcl when an Acl is set) on its objects; check StaticOffloadProfile or the AWS_* environment.");

    [Summary("Endpoint unreachable after retries. When the bucket's own host name (`<bucket>.<host>`, virtual-hosted addressing) does not resolve, the message says so: set `StaticOffloadForcePathStyle=true` or a `StaticOffloadProvider` preset.")] public const string EndpointUnreachableCode = "SO1006";

    public static Diagnostic EndpointUnreachable(string destination, string reason) => Diagnostic.Error(EndpointUnreachableCode, $"Could not reach {destination} after retries ({reason}). Check StaticOffloadServiceUrl / StaticOffloadRegion and the network.");

    /// <param name="bucketHost">&lt;bucket&gt;.&lt;host&gt;, the name that does not resolve.</param>
    /// <param name="endpoint">The ServiceUrl as it may be shown.</param>
    public static Diagnostic BucketHostUnresolved(string destination, string bucket, string bucketHost, string reason, string endpoint) => Diagnostic.Error(EndpointUnreachableCode, $"Could not reach {destination}: the bucket's host name {bucketHost} does not resolve ({reason}). Virtual-hosted addressing (StaticOffloadForcePathStyle=false) reaches every bucket at its own DNS name, <bucket>.<host>, which a local or internal endpoint rarely has. Set StaticOffloadForcePathStyle=true, or the StaticOffloadProvider preset of the store (R2, MinIO, B2 or Compatible), to address the bucket by path ({endpoint}/{bucket}/...); keep virtual-hosted addressing only if {bucketHost} is meant to resolve, and then check the DNS.");

    [Summary("Unknown storage class.")] public const string UnknownStorageClassCode = "SO1007";

    /// <param name="subject">Who sets it, as the message's first words ("StaticOffloadRule 'Assets'", "This file").</param>
    public static Diagnostic UnknownStorageClass(string subject, string storageClass, IEnumerable<string> known, string? file) => Diagnostic.Error(UnknownStorageClassCode, $"{subject} has StorageClass '{storageClass}', which S3 does not know. Use one of: {string.Join(", ", known)}.", file);

    [Summary("Unknown ACL.")] public const string UnknownAclCode = "SO1008";

    public static Diagnostic UnknownAcl(string subject, string acl, IEnumerable<string> known, string? file) => Diagnostic.Error(UnknownAclCode, $"{subject} has Acl '{acl}', which is not an S3 canned ACL. Use one of: {string.Join(", ", known)}, or leave it empty for the bucket's default (private).", file);

    [Summary("A file cannot be read.")] public const string FileUnreadableCode = "SO1009";

    /// <param name="beforeAnyChange">Whether the sync stops before sending anything (else other files may be synced).</param>
    public static Diagnostic FileUnreadable(string path, Exception ex, bool beforeAnyChange = true) => Diagnostic.Error(FileUnreadableCode, $"Cannot read '{path}' ({ex.Message}). Check that it exists and is readable, or exclude it with a StaticOffloadRule that sets Exclude=\"true\". " + (beforeAnyChange ? "Nothing was changed in the bucket." : "It is not recorded as synced; the next sync retries it."), path);

    [Summary("More deletions planned than `StaticOffloadMaxDeletes`.")] public const string TooManyDeletesCode = "SO1010";

    public static Diagnostic TooManyDeletes(int deletes, string destination, int maxDeletes) => Diagnostic.Error(TooManyDeletesCode, $"The sync would delete {deletes} objects from {destination}, more than StaticOffloadMaxDeletes ({maxDeletes}). Nothing was changed. If the publish output really shrank, raise StaticOffloadMaxDeletes for this run (-p:StaticOffloadMaxDeletes={deletes}); if the wrong folder is synced, fix StaticOffloadSourceFolder.");

    [Summary("A header value with control or non-ASCII characters.")] public const string InvalidHeaderValueCode = "SO1011";

    /// <param name="header">The metadata's name: CacheControl, ContentType or ContentEncoding.</param>
    public static Diagnostic InvalidHeaderValue(string subject, string header, string? file) => Diagnostic.Error(InvalidHeaderValueCode, $"{subject} has a {header} with a control or non-ASCII character. HTTP headers allow visible ASCII only; remove line breaks and tabs from the metadata value.", file);

    [Summary("No file to sync while the bucket holds objects that the sync would all delete (wrong `StaticOffloadSourceFolder`, or publish did not run).")] public const string SourceFolderMissingCode = "SO1012";

    public static Diagnostic SourceFolderMissing(int deletes, string destination) => Diagnostic.Error(SourceFolderMissingCode, $"There is no file to sync (is StaticOffloadSourceFolder right, and did publish run?), and the sync would delete all {deletes} objects of {destination}. Nothing was changed.");

    [Summary("Key longer than 1024 bytes of UTF-8.")] public const string KeyTooLongCode = "SO1013";

    public static Diagnostic KeyTooLong(int bytes, int maxBytes, string file) => Diagnostic.Error(KeyTooLongCode, $"The key for this file is {bytes} bytes of UTF-8; S3 allows {maxBytes}. Shorten its path or StaticOffloadPrefix, or exclude it.", file);

    [Summary("Two files map to the same key.")] public const string DuplicateKeyCode = "SO1014";

    public static Diagnostic DuplicateKey(string key, string file) => Diagnostic.Error(DuplicateKeyCode, $"Two files map to the key '{key}'. Remove one of them from the synced items.", file);

    [Summary("A property has an invalid value.")] public const string InvalidPropertyCode = "SO1015";

    public static Diagnostic NotAWholeNumber(string property, string? value) => Diagnostic.Error(InvalidPropertyCode, $"{property} is '{value}'; it must be a whole number.");

    public static Diagnostic NotTrueOrFalse(string property, string? value) => Diagnostic.Error(InvalidPropertyCode, $"{property} is '{value}'; use true or false.");

    public static Diagnostic ConcurrencyOutOfRange(int concurrency) => Diagnostic.Error(InvalidPropertyCode, $"StaticOffloadConcurrency is {concurrency}; use a number from 1 to {Defaults.MaxConcurrency} (default {Defaults.Concurrency}).");

    public static Diagnostic NegativeMaxDeletes(int maxDeletes) => Diagnostic.Error(InvalidPropertyCode, $"StaticOffloadMaxDeletes is {maxDeletes}; use 0 or more (default {Defaults.MaxDeletes}).");

    public static Diagnostic TimeoutTooShort(string? timeout) => Diagnostic.Error(InvalidPropertyCode, $"StaticOffloadTimeout is '{timeout}'; it is the number of seconds the endpoint may stay silent, 1 or more (default {Defaults.TimeoutSeconds}).");

    public static Diagnostic NegativeDeleteAfter() => Diagnostic.Error(InvalidPropertyCode, "StaticOffloadDeleteAfterDeploys and StaticOffloadDeleteAfterHours must be 0 or more.");

    public static Diagnostic NegativeCoordinationSetting() => Diagnostic.Error(InvalidPropertyCode, $"StaticOffloadLockTimeout and StaticOffloadHistoryDepth must be 0 or more (defaults {Defaults.LockTimeoutSeconds} s and {Defaults.HistoryDepth} deploys).");

    public static Diagnostic UnknownProvider(string name, IEnumerable<string> known) => Diagnostic.Error(InvalidPropertyCode, $"StaticOffloadProvider is '{name}'; use one of: {string.Join(", ", known)}.");

    /// <param name="shown">The URL as it may be shown.</param>
    public static Diagnostic ServiceUrlNotHttp(string shown) => Diagnostic.Error(InvalidPropertyCode, $"StaticOffloadServiceUrl '{shown}' is not an http(s) URL. Use the store's endpoint, e.g. https://<account>.r2.cloudflarestorage.com.");

    public static Diagnostic ServiceUrlWithQuery(string shown) => Diagnostic.Error(InvalidPropertyCode, $"StaticOffloadServiceUrl '{shown}' has a query string or fragment (not shown here). An endpoint is only scheme://host[:port][/path]: remove everything from the '?' or '#' on; credentials and tokens belong in the AWS credential chain (AWS_* environment variables or StaticOffloadProfile).");

    public static Diagnostic UnknownCompressedAssetMode(string? value) => Diagnostic.Error(InvalidPropertyCode, $"StaticOffloadCompressedAssets is '{value}'; use {Defaults.CompressedAssets} (default) or {CompressedAssetMode.Upload}.");

    [Summary("A rule without `Pattern`, or with an invalid glob.")] public const string InvalidRuleCode = "SO1016";

    public static Diagnostic RuleWithoutPattern(string rule) => Diagnostic.Error(InvalidRuleCode, $"StaticOffloadRule '{rule}' has no Pattern. Set Pattern to one or more globs relative to the synced folder, e.g. Pattern=\"**/*.css;**/*.js\".");

    public static Diagnostic RuleWithInvalidPattern(string rule, string problem) => Diagnostic.Error(InvalidRuleCode, $"StaticOffloadRule '{rule}' has an invalid Pattern: {problem}");

    [Summary("S3 refused a request (status and code are shown).")] public const string RequestFailedCode = "SO1017";

    public static Diagnostic RequestRefused(string key, string destination, int status, string errorCode, string message) => Diagnostic.Error(RequestFailedCode, $"S3 refused the request for '{key}' in {destination}: {status} {errorCode}: {message}");

    public static Diagnostic RequestFailed(string key, string destination, Exception innermost) => Diagnostic.Error(RequestFailedCode, $"The request for '{key}' in {destination} failed: {innermost.GetType().Name}: {innermost.Message}");

    public static Diagnostic DeleteRefused(string key, string destination, string errorCode, string message) => Diagnostic.Error(RequestFailedCode, $"S3 refused to delete '{key}' in {destination}: {errorCode}: {message}. It stays in the snapshot and is retried by the next sync.");

    public static Diagnostic TruncatedListing(string destination) => Diagnostic.Error(RequestFailedCode, $"Listing {destination} returned a truncated page without a continuation token; the store is not S3-compatible enough to list safely.");

    [Summary("`StaticOffloadProfile` not found.")] public const string InvalidCredentialsConfigCode = "SO1018";

    public static Diagnostic ProfileNotFound(string profile) => Diagnostic.Error(InvalidCredentialsConfigCode, $"StaticOffloadProfile '{profile}' was not found in the AWS config or credentials file. Create it (aws configure --profile {profile}) or leave StaticOffloadProfile empty to use the default credential chain.");

    [Summary("A file changed while it was uploaded; it is not recorded as synced.")] public const string FileChangedDuringUploadCode = "SO1019";

    public static Diagnostic FileChangedDuringUpload(string path) => Diagnostic.Error(FileChangedDuringUploadCode, $"'{path}' changed while it was being uploaded; it is not recorded as synced. Run the sync again once the build has finished writing it.", path);

    [Summary("A file maps into the reserved `<prefix>.staticoffload/` folder.")] public const string ReservedKeyCode = "SO1020";

    /// <param name="reservedFolder">&lt;prefix&gt;.staticoffload/</param>
    public static Diagnostic ReservedKey(string key, string reservedFolder, string file) => Diagnostic.Error(ReservedKeyCode, $"The key '{key}' is inside '{reservedFolder}', which StaticOffload reserves for its sync state. Rename the folder or exclude it.", file);

    [Summary("The objects synced but the state object could not be written (the next run writes it).")] public const string RemoteStateFailedCode = "SO1021";

    /// <param name="why">The failure's own message, a full sentence.</param>
    public static Diagnostic RemoteStateFailed(string key, string why) => Diagnostic.Error(RemoteStateFailedCode, $"The objects were synced, but the sync state could not be written to {key}: {why} A fresh clone will reconcile from a listing; run the sync again to write it.");

    [Summary("The publish output shrank to under half of the previous deploy.")] public const string OutputShrankCode = "SO1022";

    public static Diagnostic OutputShrank(int localFiles, int previousLive, string destination) => Diagnostic.Error(OutputShrankCode, $"The publish output has {localFiles} files to sync, under half of the {previousLive} in {destination} after the last deploy. Nothing was changed. If that is intended, set StaticOffloadAllowShrink=true for this run; otherwise check StaticOffloadSourceFolder and the publish.");

    [Summary("A `StaticOffloadRedirect` without a valid `Location`.")] public const string InvalidRedirectCode = "SO1023";

    public static Diagnostic InvalidRedirect(string redirect, string? location) => Diagnostic.Error(InvalidRedirectCode, $"StaticOffloadRedirect '{redirect}' has Location '{location}'. S3 accepts a path starting with '/' or an http(s) URL, in visible ASCII.");

    [Summary("Another sync of the same project holds the snapshot lock.")] public const string SyncInProgressCode = "SO1024";

    public static Diagnostic SyncInProgress(string path, TimeSpan waited) => Diagnostic.Error(SyncInProgressCode, $"Another sync of this project holds '{path}' (a second publish running at the same time?). Waited {waited.TotalSeconds:0} s; run again when it has finished, or give each run its own StaticOffloadSnapshotFile.", path);

    [Summary("No prefix, and the sync would delete objects it never uploaded.")] public const string RootDeleteNotAllowedCode = "SO1025";

    public static Diagnostic RootDeleteNotAllowed(int unknownAtRoot) => Diagnostic.Error(RootDeleteNotAllowedCode, $"StaticOffloadPrefix is empty and the sync would delete {unknownAtRoot} objects at the root of the bucket that it has never uploaded. Nothing was changed. Sync into a prefix, set StaticOffloadDelete=false, or confirm with StaticOffloadAllowRootDelete=true that the whole bucket is this site's.");

    [Summary("A key the package would write or delete breaks the key rule (control character, `.` or `..` segment, leading `/`).")] public const string InvalidKeyCode = "SO1026";

    /// <param name="problem">What is wrong with the key, as ObjectKeys.KeyProblem says it.</param>
    public static Diagnostic FileKeyInvalid(string key, string problem, string file) => Diagnostic.Error(InvalidKeyCode, $"The key '{key}' for this file cannot be synced safely: {problem}. Rename the file, or exclude it with a StaticOffloadRule that sets Exclude=true.", file);

    public static Diagnostic RedirectKeyInvalid(string redirect, string problem) => Diagnostic.Error(InvalidKeyCode, $"StaticOffloadRedirect '{redirect}' cannot be a key: {problem}. Write the key as a plain path below the prefix, e.g. 'old/page.html'.");

    public static Diagnostic DeleteOfUnmanagedKey(string key, string destination) => Diagnostic.Error(InvalidKeyCode, $"Refused to delete '{key}': it is not a key this sync manages below {destination}. Nothing was deleted. Please report this as a bug.");

    [Summary("No AWS credentials were found (found before any request is sent); the one message lists every source of the SDK's chain that was tried and what was there (environment variables, the profile and the files looked at, web identity / container credentials when configured, EC2 instance metadata), and how to fix it.")] public const string CredentialsMissingCode = "SO1027";

    /// <param name="lookedIn">Every source of the chain that was tried, and what was there.</param>
    public static Diagnostic CredentialsMissing(string destination, IEnumerable<string> lookedIn) => Diagnostic.Error(CredentialsMissingCode, $"No AWS credentials were found for {destination}, so nothing was sent. Looked in: {string.Join("; ", lookedIn)}. " + "Fix: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary keys), or set StaticOffloadProfile to a profile of the shared credentials file (aws configure --profile NAME), or in CI let the job assume a role through OIDC (e.g. aws-actions/configure-aws-credentials).");

    [Summary("The store rejected the credentials (unknown key, bad signature, expired token) on the first request, before anything changed; names the source that supplied them (access key id shown as its last 4 characters only).")] public const string CredentialsRejectedCode = "SO1028";

    /// <param name="source">Which source of the chain supplied the credentials, the access key id masked.</param>
    public static Diagnostic CredentialsRejected(string destination, string errorCode, string source) => Diagnostic.Error(CredentialsRejectedCode, $"{destination} rejected the credentials ({errorCode}) from {source}; nothing was changed. " + (errorCode is "ExpiredToken" or "TokenRefreshRequired" or "InvalidToken" or "ExpiredTokenException" ? "The session token has expired or is not valid here: get fresh temporary credentials (aws sso login, or re-run the CI step that assumes the role). " : "The key is unknown to this endpoint or its secret does not match: check that the keys belong to this account/store (StaticOffloadServiceUrl), that the secret is complete, and that no stale AWS_* variable or profile overrides the one you meant. ") + "Set the right keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or choose a profile with StaticOffloadProfile.");

    [Summary("The endpoint sent and received nothing for `StaticOffloadTimeout` seconds (default 60): the sync stopped, what completed is recorded. Check the endpoint, or raise `StaticOffloadTimeout` for a very slow store.")] public const string EndpointTimeoutCode = "SO1029";

    public static Diagnostic EndpointTimeout(string destination, TimeSpan limit) => Diagnostic.Error(EndpointTimeoutCode, $"{destination}: the endpoint sent and received nothing for {limit.TotalSeconds:0.#} s (StaticOffloadTimeout), so the sync stopped; what completed is recorded. Check that StaticOffloadServiceUrl / StaticOffloadRegion point at a running S3 endpoint reachable from here (a proxy or firewall that accepts connections and never answers looks like this); if the store is just slow, raise StaticOffloadTimeout (seconds).");

    [Summary("The snapshot or its lock could not be written: read-only folder, access denied, or full disk (the message names the path and the fix). For the lock: at once, before any request. For the snapshot saved at the end: the old snapshot is removed (it no longer describes the bucket) and the next run reconciles from the bucket.")] public const string LocalWriteFailedCode = "SO1030";

    /// <param name="what">What could not be written ("The sync snapshot").</param>
    /// <param name="cause">Told apart by LocalWriteFailure from the OS error code.</param>
    /// <param name="consequence">What that means for this sync; may be empty.</param>
    public static Diagnostic LocalWriteFailed(string what, string path, LocalWriteCause cause, Exception ex, string consequence) => Diagnostic.Error(LocalWriteFailedCode, LocalWriteExplanation(what, path, cause, ex, consequence), path);

    private static string LocalWriteExplanation(string what, string path, LocalWriteCause cause, Exception ex, string consequence)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        var (reason, fix) = cause switch
        {
            LocalWriteCause.ReadOnly => ("the file system is read-only",
                $"Make '{folder}' writable (by default it is the project's obj/ folder), or point StaticOffloadSnapshotFile at a writable place."),
            LocalWriteCause.AccessDenied => ("access is denied",
                $"Make '{folder}' writable for the user running the build (by default it is the project's obj/ folder), or point StaticOffloadSnapshotFile at a writable place."),
            LocalWriteCause.Full => ("the disk is full",
                $"Free space on the disk that holds '{folder}', or point StaticOffloadSnapshotFile at another disk."),
            LocalWriteCause.Quota => ("the disk quota is exceeded",
                $"Free space within the quota on the disk that holds '{folder}', or point StaticOffloadSnapshotFile at another disk."),
            _ => (ex.Message.TrimEnd('.'),
                $"Check that '{folder}' exists as a folder and is writable, or point StaticOffloadSnapshotFile at a writable place."),
        };
        return string.Join(' ', new[] { $"{what} '{path}' could not be written: {reason}.", consequence, fix }.Where(s => s.Length > 0));
    }

    [Summary("`StaticOffloadServiceUrl` contains credentials (`user:password@`): refused before any request, shown as `http://***@host/`. Give them through the AWS credential chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, or a profile via `StaticOffloadProfile`).")] public const string ServiceUrlHasCredentialsCode = "SO1031";

    /// <param name="shown">The URL with its credentials replaced by ***.</param>
    public static Diagnostic ServiceUrlHasCredentials(string shown) => Diagnostic.Error(ServiceUrlHasCredentialsCode, $"StaticOffloadServiceUrl '{shown}' has credentials in it (the part before '@'). They would be sent and written out wherever the endpoint is shown, so the URL is refused and nothing was sent. Remove them from StaticOffloadServiceUrl and give them through the AWS credential chain instead: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or a profile named by StaticOffloadProfile.");

    [Summary("The sync was cancelled (Ctrl+C, or SIGTERM while the sync runs); the build fails, the snapshot records exactly what was done, and the next run does the rest.")] public const string SyncCancelledCode = "SO1032";

    public static Diagnostic SyncCancelled(string destination) => Diagnostic.Error(SyncCancelledCode, $"The sync to {destination} was cancelled (Ctrl+C or SIGTERM) before it finished. What completed is recorded in the snapshot and nothing else is; publish again to finish the sync.");

    [Summary("Invalid `StaticOffloadStateKey` / `StaticOffloadStateBucket`.")] public const string InvalidStateLocationCode = "SO1033";

    public static Diagnostic InvalidStateBucket(string stateBucket) => Diagnostic.Error(InvalidStateLocationCode, $"StaticOffloadStateBucket '{stateBucket}' is not a valid S3 bucket name (3-63 lower-case letters, digits, '.' and '-').");

    public static Diagnostic StateKeyInvalid(string key, string problem) => Diagnostic.Error(InvalidStateLocationCode, $"StaticOffloadStateKey '{key}' cannot be a key: {problem}.");

    public static Diagnostic StateKeyInsidePrefix(string key, string prefix, string reservedFolder) => Diagnostic.Error(InvalidStateLocationCode, $"StaticOffloadStateKey '{key}' is below the prefix '{prefix}' of the site it describes, where the sync would take it for a site file and delete it. Put it outside the prefix, in '{reservedFolder}', or in another bucket (StaticOffloadStateBucket).");

    [Summary("Another deploy holds the deploy lease of the prefix past `StaticOffloadLockTimeout`: names the holder.")] public const string DeployLeaseHeldCode = "SO1034";

    public static Diagnostic DeployLeaseHeld(string leaseKey, string holder, TimeSpan waited) => Diagnostic.Error(DeployLeaseHeldCode, $"Another deploy holds the deploy lease '{leaseKey}': {holder}. Waited {Reporting.Format.Seconds(waited)}; nothing was changed. Let that deploy finish and run again, or raise StaticOffloadLockTimeout (seconds). A deploy that died leaves its lease to expire, and the next deploy takes it over.");

    [Summary("The bucket's sync state was changed by another writer during this deploy: not overwritten.")] public const string StateChangedByAnotherWriterCode = "SO1035";

    public static Diagnostic StateChangedByAnotherWriter(string key, string destination) => Diagnostic.Error(StateChangedByAnotherWriterCode, $"The sync state '{key}' of {destination} was changed by another writer while this deploy ran (its conditional write was refused), so it was not overwritten. The objects this deploy sent are in the bucket. The local snapshot was dropped: the next sync reads the bucket's state and listing, re-plans and converges. Make every deploy of this prefix use this package (other tools do not take the deploy lease).");

    [Summary("`StaticOffloadRequireCoordination=true` and the store does not honour conditional writes.")] public const string CoordinationUnavailableCode = "SO1036";

    /// <param name="required">StaticOffloadRequireCoordination: the error (SO1036, nothing is changed), else the warning (SO2011).</param>
    public static Diagnostic CoordinationOff(string destination, string why, bool required) => required ? Diagnostic.Error(CoordinationUnavailableCode, $"{destination} does not honour S3 conditional writes ({why}), so deploys cannot be coordinated, and StaticOffloadRequireCoordination=true. Nothing was changed. Use a store that supports If-None-Match / If-Match on PutObject (Amazon S3, MinIO, Cloudflare R2), or make sure only one deploy of this prefix runs at a time and set StaticOffloadRequireCoordination=false.") : Diagnostic.Warning(CoordinationOffCode, $"{destination} does not honour S3 conditional writes ({why}): this deploy ran without the deploy lease, and the sync state was written unconditionally. Two deploys of this prefix at the same time could break the site; keep them one at a time, or set StaticOffloadRequireCoordination=true to make this an error.");

    [Summary("The deploy lease was taken over by another deploy while this one ran: stopped before deleting anything.")] public const string DeployLeaseLostCode = "SO1037";

    public static Diagnostic DeployLeaseLost(string leaseKey, string holder) => Diagnostic.Error(DeployLeaseLostCode, $"The deploy lease '{leaseKey}' was taken over while this deploy ran, by {holder} (this deploy could not renew it in time). It stopped changing the bucket and deleted nothing; what it sent is recorded. Run it again once the other deploy is done.");

    [Summary("A rollback needs object versions an unversioned bucket no longer holds.")] public const string RollbackNeedsVersioningCode = "SO1038";

    public static Diagnostic RollbackNeedsVersioning(string destination, string target, int missing, string examples, string bucket) => Diagnostic.Error(RollbackNeedsVersioningCode, $"Rolling {destination} back to deploy {target} needs the earlier content of {missing} object(s) ({examples}), which the bucket no longer holds: it keeps no versions, and nothing else has that content. Nothing was changed. Enable versioning so that later deploys can be rolled back: aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled (and a lifecycle rule that expires noncurrent versions after some days). Until then, roll back by deploying the earlier revision.");

    [Summary("No deploy to roll back to: `StaticOffloadRollbackTo` names no recorded deploy, or the history holds none before the live one.")] public const string RollbackTargetUnknownCode = "SO1039";

    public static Diagnostic RollbackTargetUnknown(string destination, string why) => Diagnostic.Error(RollbackTargetUnknownCode, $"Nothing to roll {destination} back to: {why}. List the recorded deploys with: dotnet msbuild -t:StaticOffloadHistory, and pass one with -p:StaticOffloadRollbackTo=<id>.");

    [Summary("A rollback's source version is not the content recorded for it: stopped before entry files and deletes.")] public const string RestoreSourceChangedCode = "SO1040";

    [Summary("The sync ran on its own (`-t:StaticOffloadSync`) and the publish folder it looked in does not exist: names the folder and the configuration assumed.")] public const string PublishOutputMissingCode = "SO1041";

    public static Diagnostic PublishOutputMissing(string folder, string configuration, bool assumed) => Diagnostic.Error(PublishOutputMissingCode, $"There is no publish output to sync: '{folder}' does not exist. Run on its own, the sync sends what an earlier `dotnet publish` left in the publish folder of configuration '{configuration}' ({(assumed ? $"assumed: no -c or -p:Configuration was given, and `dotnet publish` without -c publishes {configuration} for this project" : "as given")}). Run `dotnet publish -c {configuration}` first, or name the configuration that was published with -p:Configuration=….");

    [Summary("`StaticOffloadCloudFrontDistributionId` names no distribution CloudFront knows (`NoSuchDistribution`).")] public const string CloudFrontDistributionNotFoundCode = "SO1042";

    public static Diagnostic CloudFrontDistributionNotFound(string distribution, string paths) => Diagnostic.Error(CloudFrontDistributionNotFoundCode, $"CloudFront has no distribution '{distribution}' (NoSuchDistribution): check StaticOffloadCloudFrontDistributionId (the distribution's ID, e.g. E2QWRUHEXAMPLE, not its domain name) and that the credentials belong to its account. {CdnNotInvalidated(paths)}");

    [Summary("CloudFront refused the invalidation (`AccessDenied`): the credentials need `cloudfront:CreateInvalidation` (and `cloudfront:GetInvalidation` to wait).")] public const string CloudFrontAccessDeniedCode = "SO1043";

    public static Diagnostic CloudFrontAccessDenied(string distribution, string message, string paths) => Diagnostic.Error(CloudFrontAccessDeniedCode, $"CloudFront refused the invalidation of distribution '{distribution}' (AccessDenied: {message}): the deploy's credentials need cloudfront:CreateInvalidation on arn:aws:cloudfront::<account>:distribution/{distribution} (and cloudfront:GetInvalidation for StaticOffloadCloudFrontWait). {CdnNotInvalidated(paths)}");

    [Summary("CloudFront has too many invalidations in progress for the distribution (`TooManyInvalidationsInProgress`).")] public const string CloudFrontTooManyInvalidationsCode = "SO1044";

    public static Diagnostic CloudFrontTooManyInvalidations(string distribution, string paths) => Diagnostic.Error(CloudFrontTooManyInvalidationsCode, $"CloudFront has too many invalidations in progress for distribution '{distribution}' (TooManyInvalidationsInProgress: at most 3,000 file paths or 15 wildcard paths at once): wait for them to complete and deploy again, or lower StaticOffloadInvalidationMaxPaths so changes collapse to one wildcard. {CdnNotInvalidated(paths)}");

    [Summary("A CloudFront invalidation failed otherwise (endpoint unreachable, another refusal; status and code are shown).")] public const string CloudFrontFailedCode = "SO1045";

    public static Diagnostic CloudFrontFailed(string distribution, string why, string paths) => Diagnostic.Error(CloudFrontFailedCode, $"The CloudFront invalidation of distribution '{distribution}' failed: {why}. {CdnNotInvalidated(paths)}");

    [Summary("The bucket has ACLs disabled (Object Ownership \"bucket owner enforced\", the default of every bucket created since April 2023) and an object was sent with an `Acl` (`AccessControlListNotSupported`): the first write that carried one went alone, so nothing else was sent; make objects readable with a bucket policy or CloudFront origin access control instead.")] public const string AclsDisabledCode = "SO1046";

    public static Diagnostic AclsDisabled(string key, string acl, string destination, string bucket) => Diagnostic.Error(AclsDisabledCode, $"{destination} refused '{key}' with its Acl '{acl}' (400 AccessControlListNotSupported): the bucket has ACLs disabled (Object Ownership \"bucket owner enforced\", the default of every bucket created since April 2023), so no object there can carry an ACL. It was the first write with an ACL and went alone: nothing else was sent after it. Remove Acl from the rule (StaticOffloadRule metadata) or the file and make the objects readable the way AWS recommends: keep the bucket private and serve it through CloudFront with origin access control, or grant s3:GetObject in a bucket policy (README, \"Hosting: who can read what\"). Only to keep ACLs: aws s3api put-bucket-ownership-controls --bucket {bucket} --ownership-controls Rules=[{{ObjectOwnership=BucketOwnerPreferred}}].");

    [Summary("A write that carried a public `Acl` (`public-read`, `public-read-write`, `authenticated-read`) was refused with 403 `AccessDenied`: Block Public Access (on by default) refuses public ACLs; the write went alone, so nothing else was sent.")] public const string PublicAclBlockedCode = "SO1047";

    public static Diagnostic PublicAclBlocked(string key, string acl, string destination, string bucket) => Diagnostic.Error(PublicAclBlockedCode, $"{destination} refused '{key}' with its public Acl '{acl}' (403 AccessDenied). With Block Public Access on (BlockPublicAcls, the default of every bucket since April 2023, and often set for the whole account), S3 refuses every request that carries a public ACL this way, whatever IAM allows. It was the first write with an ACL and went alone: nothing else was sent after it. Remove Acl from the rule or the file and serve the objects through CloudFront with origin access control, or with a bucket policy that grants s3:GetObject (README, \"Hosting: who can read what\"); only to keep public ACLs, turn off BlockPublicAcls for the bucket (aws s3api put-public-access-block --bucket {bucket} ...) and the account. If Block Public Access is already off, the credentials need s3:PutObjectAcl as well as s3:PutObject.");

    [Summary("The bucket is in another region than the one the requests went to (`PermanentRedirect`, or `AuthorizationHeaderMalformed` naming the bucket's region); names that region and `StaticOffloadRegion`.")] public const string WrongRegionCode = "SO1048";

    public static Diagnostic WrongRegion(string destination, string bucket, string errorCode, string? used, string? actual) => Diagnostic.Error(WrongRegionCode, $"{destination}: the bucket '{bucket}' is in {(actual is null ? "another region than" : $"region {actual}, not")} {(used is null ? "the region the requests were sent to" : $"{used}, where the requests were sent")} ({errorCode}); nothing was changed. {(actual is null ? $"Find its region with aws s3api get-bucket-location --bucket {bucket}, then set" : "Set")} StaticOffloadRegion{(actual is null ? "" : $"={actual}")} (or AWS_REGION / the region of the profile). The AWS SDK re-signs a request for the bucket's region by itself when S3 routed it there; when S3 answers with a redirect to another regional endpoint instead, it cannot follow it, so the deploy stops here.");

    private static string CdnNotInvalidated(string paths) => $"The changed objects are in the bucket, nothing was deleted, and the CDN may serve the old content until you invalidate: {paths}.";

    public static Diagnostic RestoreSourceChanged(string key, string source, string destination, string? copyETag) => Diagnostic.Error(RestoreSourceChangedCode, $"Restoring '{key}' in {destination} from {source} failed: {(copyETag is null ? "that version no longer has the recorded ETag (the store refused the conditional copy)" : $"the copy returned ETag \"{copyETag}\", not the recorded content")}. The rollback stopped before any later phase (entry files, deletes); the site still serves what it served. Check the bucket's versions (a lifecycle rule may have expired noncurrent versions) and roll back to a later deploy.");

    [Summary("The snapshot is unreadable (or of another format version): the sync reconciles from the bucket.")] public const string SnapshotUnreadableCode = "SO2001";

    public static Diagnostic SnapshotUnreadable(string path, Exception ex) => Diagnostic.Warning(SnapshotUnreadableCode, $"The sync snapshot could not be read ({ex.GetType().Name}: {ex.Message}); reconciling with the bucket listing instead. It is rewritten after this sync.", path);

    public static Diagnostic SnapshotOfOtherVersion(string path, string version, int currentVersion) => Diagnostic.Warning(SnapshotUnreadableCode, $"The sync snapshot has format version {version}, this package writes {currentVersion}; reconciling with the bucket listing instead.", path);

    [Summary("The snapshot is for another destination: the sync reconciles from the bucket.")] public const string SnapshotForOtherDestinationCode = "SO2002";

    public static Diagnostic SnapshotForOtherDestination(string path, string? recorded, string destination) => Diagnostic.Warning(SnapshotForOtherDestinationCode, $"The sync snapshot is for {recorded}, not {destination}; reconciling with the bucket listing instead.", path);

    [Summary("There is no file to sync and the bucket holds nothing of this site: check `StaticOffloadSourceFolder`.")] public const string NothingToSyncCode = "SO2003";

    public static Diagnostic NothingToSync(string destination) => Diagnostic.Warning(NothingToSyncCode, $"There is no file to sync, and {destination} holds nothing of this site either. Check StaticOffloadSourceFolder (the folder of the publish output that is synced) and that publish ran.");

    [Summary("The provider does not support ACLs / redirects: they are not sent.")] public const string UnsupportedByProviderCode = "SO2004";

    public static Diagnostic AclsUnsupported() => Diagnostic.Warning(UnsupportedByProviderCode, "The store (StaticOffloadProvider) does not support object ACLs; the Acl metadata is not sent. Grant access with a bucket policy instead.");

    public static Diagnostic RedirectsUnsupported() => Diagnostic.Warning(UnsupportedByProviderCode, "The store (StaticOffloadProvider) does not support website redirect objects; StaticOffloadRedirect items are skipped. Use the store's own redirect rules.");

    [Summary("The endpoints manifest could not be read: headers come from the rules alone.")] public const string EndpointsManifestUnreadableCode = "SO2005";

    public static Diagnostic EndpointsManifestUnreadable(string path, Exception ex) => Diagnostic.Warning(EndpointsManifestUnreadableCode, $"The static web assets endpoints manifest could not be read ({ex.Message}); headers come from the rules alone. Set StaticOffloadEndpointHeaders=false to silence this.", path);

    [Summary("A symbolic link leads outside the synced folder (or loops): not synced.")] public const string LinkOutsideSourceCode = "SO2006";

    /// <param name="problem">Where the link leads ("that leads outside the synced folder", "in a loop").</param>
    public static Diagnostic LinkOutsideSource(string relativePath, string problem, string file) => Diagnostic.Warning(LinkOutsideSourceCode, $"'{relativePath}' is a symbolic link {problem}; it is not synced.", file);

    [Summary("The bucket's state object is too large, malformed or inconsistent: ignored, the sync reconciles from the listing.")] public const string RemoteStateIgnoredCode = "SO2007";

    public static Diagnostic RemoteStateIgnored(string key, string? problem) => Diagnostic.Warning(RemoteStateIgnoredCode, $"The sync state object '{key}' is not used: {problem}. The sync reconciles from the bucket listing instead (a HEAD per object whose content matches) and writes a new state at the end. If another tool or person wrote that object, keep it away from this key.");

    [Summary("An object in the bucket (or a snapshot entry) has a key the sync cannot handle safely: left alone.")] public const string UnmanageableKeyCode = "SO2008";

    /// <param name="shown">The first keys, each with why and where it came from.</param>
    public static Diagnostic UnmanageableKeys(int count, string shown, int notShown) => Diagnostic.Warning(UnmanageableKeyCode, $"{count} key(s) are not ones this sync can handle safely, and are left alone (never compared, overwritten or deleted): {shown}{(notShown > 0 ? $" and {notShown} more" : "")}. Remove such objects by hand if they should not be there.");

    [Summary("A progress checkpoint of the snapshot could not be saved (reported once); the sync goes on and the final save decides.")] public const string CheckpointNotSavedCode = "SO2009";

    /// <summary>The explanation of <see cref="LocalWriteFailed"/>, as a warning: the sync goes on.</summary>
    public static Diagnostic CheckpointNotSaved(string what, string path, LocalWriteCause cause, Exception ex, string consequence) => Diagnostic.Warning(CheckpointNotSavedCode, LocalWriteExplanation(what, path, cause, ex, consequence), path);

    [Summary("An object was not the one recorded (changed in the bucket behind the sync's back): uploaded instead of copied.")] public const string ObjectChangedInBucketCode = "SO2010";

    /// <param name="copyETag">What the conditional copy returned; null when the store refused it.</param>
    public static Diagnostic ObjectChangedInBucket(string key, string destination, string? recordedETag, string? copyETag, string? file) => Diagnostic.Warning(ObjectChangedInBucketCode, $"'{key}' in {destination} is not the object this sync recorded (ETag \"{recordedETag}\", {(copyETag is null ? "the store refused the conditional copy" : $"the copy returned \"{copyETag}\"")}): something else wrote it. Its headers are not copied onto content nobody published; the file is uploaded instead.", file);

    [Summary("The store does not honour conditional writes: this deploy ran without the lease and the state's compare-and-swap.")] public const string CoordinationOffCode = "SO2011";

    [Summary("An expired deploy lease (a deploy that died) was taken over.")] public const string ExpiredLeaseTakenOverCode = "SO2012";

    public static Diagnostic ExpiredLeaseTakenOver(string leaseKey, string holder) => Diagnostic.Warning(ExpiredLeaseTakenOverCode, $"Took over the expired deploy lease '{leaseKey}' of {holder}: that deploy stopped without releasing it (killed, or its agent lost). What it sent is in the bucket; this deploy re-reads the bucket's state and converges.");

    [Summary("The deploy succeeded but its entry in the deploy history could not be written.")] public const string HistoryNotWrittenCode = "SO2013";

    public static Diagnostic HistoryNotWritten(string key, string why) => Diagnostic.Warning(HistoryNotWrittenCode, $"The deploy is live, but it could not be recorded in the deploy history '{key}': {why} It cannot be chosen as a rollback target; the next deploy records itself as usual.");
}
