using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Remediator.Kubernetes.Simulator;

/// <summary>How the deployment controller-lite rolls a Deployment out.</summary>
public enum RolloutBehavior
{
    /// <summary>A change is observed and fully rolled out before the write returns.</summary>
    Immediate,

    /// <summary>
    /// Every GET of the Deployment advances the controller one step (first observe the new
    /// generation, then one replica at a time), so pollers see every intermediate status
    /// without the tests depending on wall-clock time.
    /// </summary>
    Stepwise,

    /// <summary>The new ReplicaSet's pods never become ready.</summary>
    Stalled,
}

/// <summary>
/// The simulated cluster: an in-memory object store with a global resourceVersion counter,
/// metadata.generation bumped on spec changes, and small controllers for Deployments,
/// ReplicaSets, StatefulSets and DaemonSets that keep pods and status fields honest.
/// </summary>
public sealed class ClusterState(TimeProvider time)
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    public const string PodTemplateHashLabel = "pod-template-hash";

    private readonly Lock _gate = new();
    private readonly Dictionary<(ResourceType Type, string Namespace, string Name), JsonObject> _objects = [];

    // Objects by their controller's uid, every object's key by its own uid, and the keys of each
    // type: the controllers and the list calls find what they need without scanning every object
    // (a scan per write made the simulator, not the engine, the bottleneck of the load harness).
    private readonly Dictionary<string, HashSet<(ResourceType Type, string Namespace, string Name)>> _byController = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ResourceType Type, string Namespace, string Name)> _byUid = new(StringComparer.Ordinal);
    private readonly Dictionary<ResourceType, HashSet<(ResourceType Type, string Namespace, string Name)>> _byType = [];
    private readonly Dictionary<(ResourceType Type, string Label, string Value), HashSet<(ResourceType Type, string Namespace, string Name)>> _byLabel = [];

    // What the next reconcile looks at, as a real controller's work queue holds only the objects
    // whose own or dependents' events it saw: the top owners (a Deployment, a StatefulSet, ...) of
    // every object written since, the namespaces where a pod without a controller changed (a
    // ReplicaSet there may adopt it), whether a node changed (every DaemonSet places pods on nodes),
    // and the uids of deleted owners (their dependents are garbage).
    private readonly HashSet<(ResourceType Type, string Namespace, string Name)> _dirtyOwners = [];
    private readonly HashSet<string> _dirtyNamespaces = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deletedOwners = new(StringComparer.Ordinal);
    private bool _nodesChanged;
    private readonly Dictionary<(string Namespace, string Name), RolloutBehavior> _rollouts = [];
    private readonly HashSet<(string Namespace, string Name)> _deadlineExceeded = [];
    private readonly HashSet<(string Namespace, string Name)> _pendingTicks = [];

    // Pods a ReplicaSet released (relabelled out of its selector): it adopts them again when their labels match again.
    private readonly HashSet<(ResourceType Type, string Namespace, string Name)> _released = [];

    // When each object was created, in order: creationTimestamp has only seconds, and the controllers' choices need the order.
    private readonly Dictionary<(ResourceType Type, string Namespace, string Name), long> _creationOrder = [];
    private long _creations;
    private long _resourceVersion = 1000;
    private readonly List<StoredEvent> _history = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _compactedThrough;
    private int _names;
    private int _ips;

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>How many change events the store keeps for watches; older resourceVersions are 410 Gone. Default 10000.</summary>
    public int HistoryLimit { get; set; } = 10_000;

    /// <summary>
    /// The changes to <paramref name="type"/> after <paramref name="resourceVersion"/> that match the
    /// selectors, oldest first, and a task that completes at the next change of anything. Throws a
    /// 410 Expired <see cref="ApiError"/> when the history no longer reaches back that far.
    /// </summary>
    public (IReadOnlyList<WatchEvent> Events, Task Changed) EventsSince(ResourceType type, string? ns, long resourceVersion, string? labelSelector = null, string? fieldSelector = null)
    {
        var labels = Selectors.ParseLabelSelector(labelSelector);
        var fields = Selectors.ParseFieldSelector(fieldSelector);
        lock (_gate)
        {
            if (resourceVersion < _compactedThrough)
            {
                throw new ApiError(410, "Expired", $"too old resource version: {resourceVersion} ({_compactedThrough + 1})");
            }

            var events = _history
                .Where(e => e.Version > resourceVersion && e.Type == type && (ns is null || e.Namespace == ns) && labels(Selectors.Labels(e.Item)) && fields(e.Item))
                .Select(e => new WatchEvent(e.EventType, (JsonObject)e.Item.DeepClone(), e.Version))
                .ToList();
            return (events, _changed.Task);
        }
    }

    /// <summary>Forgets every change so far, as etcd compaction does: a watch from an older resourceVersion gets 410 Expired.</summary>
    public void CompactHistory()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedThrough = _resourceVersion;
        }
    }

    /// <summary>
    /// Advances every <see cref="RolloutBehavior.Stepwise"/> Deployment in <paramref name="ns"/> by one
    /// step, as a GET of each would. A watch calls this when it has nothing to send, so watched
    /// rollouts progress too. True when anything changed.
    /// </summary>
    public bool AdvanceRollouts(string? ns)
    {
        lock (_gate)
        {
            var before = _resourceVersion;
            foreach (var pending in _pendingTicks.Where(p => ns is null || p.Namespace == ns).ToList())
            {
                _pendingTicks.Remove(pending);
                if (_objects.TryGetValue(Key(ResourceType.Deployments, pending.Namespace, pending.Name), out var deployment))
                {
                    AdvanceStepwise(deployment);
                    Reconcile();
                }
            }

            return _resourceVersion != before;
        }
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject body)
    {
        lock (_gate)
        {
            var created = CreateCore(type, ns, body);
            Reconcile();
            return (JsonObject)_objects[Key(type, ns, Name(created))].DeepClone();
        }
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            var key = Key(type, ns, name);
            if (!_objects.TryGetValue(key, out var found))
            {
                throw ApiError.NotFound(type, name);
            }

            if (type == ResourceType.Deployments && _pendingTicks.Remove((key.Namespace, name)))
            {
                AdvanceStepwise(found);
                Reconcile();
                found = _objects[key];
            }

            return (JsonObject)found.DeepClone();
        }
    }

    public JsonObject? Find(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(Key(type, ns, name), out var found) ? (JsonObject)found.DeepClone() : null;
        }
    }

    public (IReadOnlyList<JsonObject> Items, long ResourceVersion) List(ResourceType type, string? ns, string? labelSelector = null, string? fieldSelector = null)
    {
        var labels = Selectors.ParseLabelSelector(labelSelector);
        var fields = Selectors.ParseFieldSelector(fieldSelector);
        lock (_gate)
        {
            // A selector requiring a label's value (app=web) reads only the objects carrying it.
            var candidates = Selectors.RequiredLabel(labelSelector) is { } required
                ? _byLabel.GetValueOrDefault((type, required.Key, required.Value)) ?? []
                : Keys(type);
            var items = candidates
                .Where(key => ns is null || key.Namespace == ns)
                .OrderBy(key => key.Namespace, StringComparer.Ordinal)
                .ThenBy(key => key.Name, StringComparer.Ordinal)
                .Select(key => _objects[key])
                .Where(o => labels(Selectors.Labels(o)) && fields(o))
                .Select(o => (JsonObject)o.DeepClone())
                .ToList();
            return (items, _resourceVersion);
        }
    }

    /// <summary>
    /// Read-modify-write under the store lock: <paramref name="mutate"/> gets a copy and returns
    /// the desired object. A stale metadata.resourceVersion in the result is a 409 Conflict.
    /// </summary>
    /// <summary>
    /// The API server's validation of the fields the engine writes, on every update: a value of the
    /// wrong type (what a patch could not be decoded into) or out of range is 422 Invalid naming the field.
    /// </summary>
    private static void Validate(ResourceType type, string name, JsonObject obj)
    {
        if (type.Scalable && obj["spec"]?["replicas"] is { } replicas)
        {
            if (replicas.GetValueKind() != JsonValueKind.Number || !replicas.AsValue().TryGetValue<int>(out var count))
            {
                throw ApiError.Invalid(type, name, ("spec.replicas", $"Invalid value: {replicas.ToJsonString()}: must be an integer"));
            }

            if (count < 0)
            {
                throw ApiError.Invalid(type, name, ("spec.replicas", $"Invalid value: {count}: must be greater than or equal to 0"));
            }
        }

        if (type == ResourceType.Nodes && obj["spec"]?["unschedulable"] is { } unschedulable && unschedulable.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw ApiError.Invalid(type, name, ("spec.unschedulable", $"Invalid value: {unschedulable.ToJsonString()}: must be a boolean"));
        }
    }

    public JsonObject Update(ResourceType type, string? ns, string name, Func<JsonObject, JsonObject> mutate, string? subresource = null)
    {
        lock (_gate)
        {
            var key = Key(type, ns, name);
            if (!_objects.TryGetValue(key, out var current))
            {
                throw ApiError.NotFound(type, name);
            }

            var desired = mutate((JsonObject)current.DeepClone());
            Validate(type, name, desired);
            var currentVersion = current["metadata"]!["resourceVersion"]!.GetValue<string>();
            var requestedVersion = desired["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (requestedVersion is not null && requestedVersion != currentVersion)
            {
                throw ApiError.Conflict(type, name);
            }

            JsonObject updated;
            if (subresource == "status")
            {
                updated = (JsonObject)current.DeepClone();
                updated["status"] = desired["status"]?.DeepClone();
            }
            else
            {
                updated = desired;
                updated["status"] = current["status"]?.DeepClone();
                var metadata = updated["metadata"] as JsonObject ?? [];
                updated["metadata"] = metadata;
                foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "generation" })
                {
                    metadata[field] = current["metadata"]![field]?.DeepClone();
                }

                updated["kind"] = type.Kind;
                updated["apiVersion"] = type.ApiVersion;
                if (!JsonNode.DeepEquals(current["spec"], updated["spec"]))
                {
                    metadata["generation"] = Generation(current) + 1;
                }
            }

            Put(key, updated);

            // The answer is the object as this write stored it, as the API server's is: what the
            // controllers do about it (a Deployment's new revision, status) shows on the next read.
            var written = (JsonObject)_objects[key].DeepClone();
            Reconcile();
            return written;
        }
    }

    public JsonObject Delete(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            var key = Key(type, ns, name);
            if (!_objects.ContainsKey(key))
            {
                throw ApiError.NotFound(type, name);
            }

            var removed = Remove(key);
            Reconcile();
            return removed;
        }
    }

    public void SetRolloutBehavior(string ns, string deployment, RolloutBehavior behavior)
    {
        lock (_gate)
        {
            _rollouts[(ns, deployment)] = behavior;
        }
    }

    /// <summary>Marks the Deployment's rollout as timed out: Progressing=False, ProgressDeadlineExceeded.</summary>
    public void ExceedProgressDeadline(string ns, string deployment)
    {
        lock (_gate)
        {
            _deadlineExceeded.Add((ns, deployment));
            _rollouts[(ns, deployment)] = RolloutBehavior.Stalled;
            _dirtyOwners.Add(Key(ResourceType.Deployments, ns, deployment));
            Reconcile();
        }
    }

    public void SetPodReady(string ns, string pod, bool ready)
    {
        lock (_gate)
        {
            var key = Key(ResourceType.Pods, ns, pod);
            var updated = (JsonObject)_objects[key].DeepClone();
            updated["status"] = PodStatus(ready, updated["status"]?["podIP"]?.GetValue<string>() ?? NextIp(), updated);
            Put(key, updated);
            Reconcile();
        }
    }

    private JsonObject CreateCore(ResourceType type, string? ns, JsonObject body)
    {
        var obj = (JsonObject)body.DeepClone();
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        var name = metadata["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            var prefix = metadata["generateName"]?.GetValue<string>() ?? throw ApiError.BadRequest("name or generateName is required");
            name = prefix + NextSuffix();
        }

        var key = Key(type, ns, name);
        if (_objects.ContainsKey(key))
        {
            throw ApiError.AlreadyExists(type, name);
        }

        obj["kind"] = type.Kind;
        obj["apiVersion"] = type.ApiVersion;
        metadata["name"] = name;
        if (type.Namespaced)
        {
            metadata["namespace"] = key.Namespace;
        }

        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        metadata["generation"] = 1;
        _creationOrder[key] = ++_creations;
        if (type == ResourceType.Pods && obj["status"] is null)
        {
            obj["status"] = PodStatus(ready: true, NextIp(), obj);
        }

        Put(key, obj);
        return _objects[key];
    }

    private void Put((ResourceType Type, string Namespace, string Name) key, JsonObject value)
    {
        // A controller rewrites what it found unchanged most of the time: that is no change (no new
        // resourceVersion, no event), and costs no text round trip.
        var existing = _objects.GetValueOrDefault(key);
        if (existing is not null && Unchanged(existing, value))
        {
            return;
        }

        // Stored objects are always parsed JSON, as the real server's are, so numbers read back
        // as int or long alike and comparisons see what a client would see.
        value = (JsonObject)JsonNode.Parse(value.ToJsonString())!;
        if (existing is not null && Unchanged(existing, value))
        {
            return;
        }

        var added = existing is null;
        value["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        if (existing is not null)
        {
            Unindex(key, existing);
        }

        _objects[key] = value;
        Index(key, value);
        MarkChanged(key, value, deleted: false);
        Record(added ? "ADDED" : "MODIFIED", key, value);
    }

    private static bool Unchanged(JsonObject existing, JsonObject value)
    {
        value["metadata"]!["resourceVersion"] = existing["metadata"]!["resourceVersion"]!.DeepClone();
        return JsonNode.DeepEquals(existing, value);
    }

    private JsonObject Remove((ResourceType Type, string Namespace, string Name) key)
    {
        _objects.Remove(key, out var removed);
        Unindex(key, removed!);
        _released.Remove(key);
        _creationOrder.Remove(key);
        MarkChanged(key, removed!, deleted: true);

        // A deletion is a change too: it gets the next resourceVersion, which its DELETED event carries.
        removed!["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        Record("DELETED", key, removed);
        return removed;
    }

    private void Index((ResourceType Type, string Namespace, string Name) key, JsonObject value)
    {
        _byUid[Uid(value)] = key;
        if (!_byType.TryGetValue(key.Type, out var ofType))
        {
            _byType[key.Type] = ofType = [];
        }

        ofType.Add(key);
        foreach (var (label, labelValue) in Selectors.Labels(value))
        {
            if (!_byLabel.TryGetValue((key.Type, label, labelValue), out var labelled))
            {
                _byLabel[(key.Type, label, labelValue)] = labelled = [];
            }

            labelled.Add(key);
        }
        if (ControllerUid(value) is { } controller)
        {
            if (!_byController.TryGetValue(controller, out var owned))
            {
                _byController[controller] = owned = [];
            }

            owned.Add(key);
        }
    }

    private void Unindex((ResourceType Type, string Namespace, string Name) key, JsonObject value)
    {
        _byUid.Remove(Uid(value));
        _byType[key.Type].Remove(key);
        foreach (var (label, labelValue) in Selectors.Labels(value))
        {
            var labelled = _byLabel[(key.Type, label, labelValue)];
            labelled.Remove(key);
            if (labelled.Count == 0)
            {
                _byLabel.Remove((key.Type, label, labelValue));
            }
        }
        if (ControllerUid(value) is { } controller && _byController.TryGetValue(controller, out var owned))
        {
            owned.Remove(key);
            if (owned.Count == 0)
            {
                _byController.Remove(controller);
            }
        }
    }

    private void Record(string type, (ResourceType Type, string Namespace, string Name) key, JsonObject value)
    {
        _history.Add(new StoredEvent(_resourceVersion, key.Type, key.Namespace, type, (JsonObject)value.DeepClone()));
        if (_history.Count > HistoryLimit)
        {
            _compactedThrough = _history[0].Version;
            _history.RemoveAt(0);
        }

        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    // ---- controllers -------------------------------------------------------------------

    /// <summary>
    /// Queues what a change of <paramref name="key"/> asks the controllers to look at: its top
    /// owner (itself when it has no controller), found through the ownerReferences chain.
    /// </summary>
    private void MarkChanged((ResourceType Type, string Namespace, string Name) key, JsonObject value, bool deleted)
    {
        if (key.Type == ResourceType.Nodes)
        {
            _nodesChanged = true;
            return;
        }

        if (deleted && _byController.ContainsKey(Uid(value)))
        {
            _deletedOwners.Add(Uid(value));
        }

        while (ControllerUid(value) is { } controller && _byUid.TryGetValue(controller, out var ownerKey))
        {
            (key, value, deleted) = (ownerKey, _objects[ownerKey], false);
        }

        if (ControllerUid(value) is { } absent)
        {
            // Its controller does not exist (any more): the garbage collector deletes it.
            _deletedOwners.Add(absent);
            return;
        }

        if (deleted)
        {
            // A top owner that is gone has nothing left to reconcile; its dependents are garbage.
            return;
        }

        if (IsController(key.Type))
        {
            _dirtyOwners.Add(key);
        }
        else if (key.Type == ResourceType.Pods)
        {
            _dirtyNamespaces.Add(key.Namespace);
        }
    }

    private static bool IsController(ResourceType type) =>
        type == ResourceType.Deployments || type == ResourceType.ReplicaSets || type == ResourceType.StatefulSets || type == ResourceType.DaemonSets;

    /// <summary>
    /// One pass of the controllers over what changed since the last pass (<see cref="MarkChanged"/>):
    /// the Deployments, then their ReplicaSets and any ReplicaSet changed on its own, then the
    /// Deployments' status, then StatefulSets and DaemonSets. Each object's own controller
    /// converges in one pass, so what the pass itself writes under those owners needs no second
    /// one; what it writes elsewhere (a pod a ReplicaSet released) is left for the next pass.
    /// </summary>
    private void Reconcile()
    {
        CollectGarbage();
        var owners = _dirtyOwners.Where(_objects.ContainsKey).ToList();
        foreach (var ns in _dirtyNamespaces)
        {
            owners.AddRange(Keys(ResourceType.Deployments).Concat(Keys(ResourceType.ReplicaSets)).Where(key => key.Namespace == ns));
        }

        if (_nodesChanged)
        {
            owners.AddRange(Keys(ResourceType.DaemonSets));
        }

        _dirtyOwners.Clear();
        _dirtyNamespaces.Clear();
        _nodesChanged = false;
        var scope = owners.Distinct().ToHashSet();

        var deployments = InOrder(scope, ResourceType.Deployments);
        foreach (var deployment in deployments)
        {
            ReconcileDeployment(_objects[deployment]);
        }

        var replicaSets = InOrder(
            [.. scope, .. deployments.SelectMany(d => Owned(ResourceType.ReplicaSets, _objects[d])).Select(rs => Key(ResourceType.ReplicaSets, Namespace(rs), Name(rs)))],
            ResourceType.ReplicaSets);
        foreach (var replicaSet in replicaSets.Where(_objects.ContainsKey))
        {
            ReconcileReplicaSet(_objects[replicaSet]);
        }

        foreach (var deployment in deployments.Where(_objects.ContainsKey))
        {
            UpdateDeploymentStatus(_objects[deployment]);
        }

        foreach (var statefulSet in InOrder(scope, ResourceType.StatefulSets))
        {
            ReconcileStatefulSet(_objects[statefulSet]);
        }

        foreach (var daemonSet in InOrder(scope, ResourceType.DaemonSets))
        {
            ReconcileDaemonSet(_objects[daemonSet]);
        }

        // The pass has brought these owners' objects up to date: its own writes under them are done.
        _dirtyOwners.ExceptWith(scope);
        _dirtyOwners.ExceptWith(replicaSets);
    }

    private static List<(ResourceType Type, string Namespace, string Name)> InOrder(IEnumerable<(ResourceType Type, string Namespace, string Name)> keys, ResourceType type) =>
        [.. keys.Where(key => key.Type == type).Distinct().OrderBy(key => key.Name, StringComparer.Ordinal).ThenBy(key => key.Namespace, StringComparer.Ordinal)];

    private HashSet<(ResourceType Type, string Namespace, string Name)> Keys(ResourceType type) =>
        _byType.TryGetValue(type, out var keys) ? keys : [];

    private List<JsonObject> Objects(ResourceType type) =>
        [.. Keys(type).OrderBy(key => key.Name, StringComparer.Ordinal).Select(key => _objects[key])];

    private void CollectGarbage()
    {
        // Dependents of a deleted owner go, then theirs (a Deployment's ReplicaSets, then their pods).
        while (_deletedOwners.Count > 0)
        {
            var orphans = _deletedOwners.Where(_byController.ContainsKey).SelectMany(uid => _byController[uid])
                .OrderBy(key => key.Type).ThenBy(key => key.Namespace, StringComparer.Ordinal).ThenBy(key => key.Name, StringComparer.Ordinal)
                .ToList();
            _deletedOwners.Clear();
            foreach (var key in orphans.Where(_objects.ContainsKey))
            {
                Remove(key);
            }
        }
    }

    private void ReconcileDeployment(JsonObject deployment)
    {
        var ns = Namespace(deployment);
        var name = Name(deployment);
        var behavior = _rollouts.GetValueOrDefault((ns, name));
        var spec = deployment["spec"]!;
        var desired = spec["replicas"]?.GetValue<int>() ?? 1;
        var owned = Owned(ResourceType.ReplicaSets, deployment);
        var paused = spec["paused"]?.GetValue<bool>() == true;
        var updated = (JsonObject)deployment.DeepClone();

        if (!paused)
        {
            var template = TemplateWithoutHash(spec["template"]);
            var current = owned.FirstOrDefault(rs => JsonNode.DeepEquals(TemplateWithoutHash(rs["spec"]!["template"]), template));
            var maxRevision = owned.Select(Revision).DefaultIfEmpty(0).Max();
            if (current is null)
            {
                current = NewReplicaSet(deployment, template, maxRevision + 1);
            }
            else if (Revision(current) != maxRevision)
            {
                // Rolling back to an old template re-uses its ReplicaSet under a new revision number.
                var bumped = (JsonObject)current.DeepClone();
                var annotations = (JsonObject)bumped["metadata"]!["annotations"]!;
                var old = Revision(current).ToString(CultureInfo.InvariantCulture);
                var history = annotations[RevisionHistoryAnnotation]?.GetValue<string>();
                annotations[RevisionHistoryAnnotation] = history is null ? old : $"{history},{old}";
                annotations[RevisionAnnotation] = (maxRevision + 1).ToString(CultureInfo.InvariantCulture);
                Put(Key(ResourceType.ReplicaSets, ns, Name(bumped)), bumped);
                current = bumped;
            }

            var newName = Name(current);
            var olds = owned.Where(rs => Name(rs) != newName).ToList();
            var newReplicas = current["spec"]!["replicas"]?.GetValue<int>() ?? 0;
            if (behavior != RolloutBehavior.Stepwise)
            {
                SetReplicas(current, desired);
                foreach (var old in olds)
                {
                    SetReplicas(old, behavior == RolloutBehavior.Stalled ? old["spec"]!["replicas"]!.GetValue<int>() : 0);
                }
            }
            else if (newReplicas > desired)
            {
                SetReplicas(current, desired);
            }

            var revision = Revision(_objects[Key(ResourceType.ReplicaSets, ns, newName)]);
            var deploymentAnnotations = updated["metadata"]!["annotations"] as JsonObject ?? [];
            updated["metadata"]!["annotations"] = deploymentAnnotations;
            deploymentAnnotations[RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture);
        }

        if (behavior == RolloutBehavior.Stepwise)
        {
            _pendingTicks.Add((ns, name));
        }

        Put(Key(ResourceType.Deployments, ns, name), updated);
    }

    private void AdvanceStepwise(JsonObject deployment)
    {
        var ns = Namespace(deployment);
        var status = deployment["status"] as JsonObject ?? [];
        var generation = Generation(deployment);
        var updated = (JsonObject)deployment.DeepClone();
        if (status["observedGeneration"]?.GetValue<long>() != generation)
        {
            var newStatus = (JsonObject)status.DeepClone();
            newStatus["observedGeneration"] = generation;
            updated["status"] = newStatus;
            Put(Key(ResourceType.Deployments, ns, Name(deployment)), updated);
            return;
        }

        if (deployment["spec"]!["paused"]?.GetValue<bool>() == true)
        {
            return;
        }

        var desired = deployment["spec"]!["replicas"]?.GetValue<int>() ?? 1;
        var owned = Owned(ResourceType.ReplicaSets, deployment);
        var newest = owned.OrderByDescending(Revision).First();
        var newReplicas = newest["spec"]!["replicas"]?.GetValue<int>() ?? 0;
        if (newReplicas < desired)
        {
            SetReplicas(newest, newReplicas + 1);
        }

        var surplus = owned.Where(rs => rs != newest).Sum(rs => rs["spec"]!["replicas"]?.GetValue<int>() ?? 0) + Math.Min(newReplicas + 1, desired) - desired;
        foreach (var old in owned.Where(rs => rs != newest && (rs["spec"]!["replicas"]?.GetValue<int>() ?? 0) > 0))
        {
            if (surplus <= 0)
            {
                break;
            }

            var replicas = old["spec"]!["replicas"]!.GetValue<int>();
            var take = Math.Min(replicas, surplus);
            SetReplicas(old, replicas - take);
            surplus -= take;
        }
    }

    private JsonObject NewReplicaSet(JsonObject deployment, JsonObject template, int revision)
    {
        var ns = Namespace(deployment);
        var hash = Hash(template.ToJsonString());
        var rsTemplate = (JsonObject)template.DeepClone();
        var templateMetadata = rsTemplate["metadata"] as JsonObject ?? [];
        rsTemplate["metadata"] = templateMetadata;
        var labels = templateMetadata["labels"] as JsonObject ?? [];
        templateMetadata["labels"] = labels;
        labels[PodTemplateHashLabel] = hash;
        var selector = (JsonObject)(deployment["spec"]!["selector"]?.DeepClone() ?? new JsonObject());
        var matchLabels = selector["matchLabels"] as JsonObject ?? [];
        selector["matchLabels"] = matchLabels;
        matchLabels[PodTemplateHashLabel] = hash;
        var replicaSet = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{Name(deployment)}-{hash}",
                ["labels"] = labels.DeepClone(),
                ["annotations"] = new JsonObject { [RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture) },
                ["ownerReferences"] = OwnerReferences(deployment),
            },
            ["spec"] = new JsonObject { ["replicas"] = 0, ["selector"] = selector, ["template"] = rsTemplate },
        };
        return CreateCore(ResourceType.ReplicaSets, ns, replicaSet);
    }

    private void SetReplicas(JsonObject replicaSet, int replicas)
    {
        var key = Key(ResourceType.ReplicaSets, Namespace(replicaSet), Name(replicaSet));
        var updated = (JsonObject)_objects[key].DeepClone();
        updated["spec"]!["replicas"] = replicas;
        Put(key, updated);
    }

    private void ReconcileReplicaSet(JsonObject replicaSet)
    {
        var ns = Namespace(replicaSet);
        var desired = replicaSet["spec"]!["replicas"]?.GetValue<int>() ?? 1;
        var pods = Owned(ResourceType.Pods, replicaSet);

        // A pod relabelled out of the selector is released (orphaned), and replaced, as the real controller does.
        foreach (var orphan in pods.Where(p => !Selectors.Matches(replicaSet["spec"]!["selector"], Selectors.Labels(p))).ToList())
        {
            var released = (JsonObject)orphan.DeepClone();
            ((JsonObject)released["metadata"]!).Remove("ownerReferences");
            var releasedKey = Key(ResourceType.Pods, ns, Name(orphan));
            Put(releasedKey, released);
            _released.Add(releasedKey);
            pods.Remove(orphan);
        }

        // ... and adopted again once its labels match again (a quarantine undone).
        foreach (var key in _released.Where(k => k.Namespace == ns && _objects.TryGetValue(k, out var pod) && ControllerUid(pod) is null &&
            Selectors.Matches(replicaSet["spec"]!["selector"], Selectors.Labels(pod))).ToList())
        {
            var adopted = (JsonObject)_objects[key].DeepClone();
            adopted["metadata"]!["ownerReferences"] = OwnerReferences(replicaSet);
            Put(key, adopted);
            _released.Remove(key);
            pods.Add(_objects[key]);
        }

        // Oldest first, as the surplus ranking below needs.
        pods = [.. pods.OrderBy(p => _creationOrder.GetValueOrDefault(Key(ResourceType.Pods, ns, Name(p))))];

        var ready = !IsStalledNewReplicaSet(replicaSet);
        for (var i = pods.Count; i < desired; i++)
        {
            pods.Add(CreatePod(replicaSet, replicaSet["spec"]!["template"]!, $"{Name(replicaSet)}-{NextSuffix()}", ready, tolerateUnschedulable: false));
        }

        // The controller's choice among too many pods (getPodsToDelete): one not ready before a ready one, then the newest.
        var surplus = pods.Select((pod, age) => (Pod: pod, Age: age)).OrderBy(p => IsReady(p.Pod)).ThenByDescending(p => p.Age).Take(pods.Count - desired).Select(p => p.Pod).ToList();
        foreach (var extra in surplus)
        {
            Remove(Key(ResourceType.Pods, ns, Name(extra)));
            pods.Remove(extra);
        }

        var readyCount = pods.Count(IsReady);
        var updated = (JsonObject)replicaSet.DeepClone();
        updated["status"] = WithoutZeros(new JsonObject
        {
            ["replicas"] = pods.Count,
            ["fullyLabeledReplicas"] = pods.Count,
            ["readyReplicas"] = readyCount,
            ["availableReplicas"] = readyCount,
            ["observedGeneration"] = Generation(replicaSet),
        });
        Put(Key(ResourceType.ReplicaSets, ns, Name(replicaSet)), updated);
    }

    private bool IsStalledNewReplicaSet(JsonObject replicaSet)
    {
        var ownerUid = ControllerUid(replicaSet);
        var deployment = ownerUid is not null && _byUid.TryGetValue(ownerUid, out var ownerKey) && ownerKey.Type == ResourceType.Deployments ? _objects[ownerKey] : null;
        if (deployment is null || _rollouts.GetValueOrDefault((Namespace(deployment), Name(deployment))) != RolloutBehavior.Stalled)
        {
            return false;
        }

        return Owned(ResourceType.ReplicaSets, deployment).Max(Revision) == Revision(replicaSet) && Owned(ResourceType.ReplicaSets, deployment).Count > 1;
    }

    private void UpdateDeploymentStatus(JsonObject deployment)
    {
        var ns = Namespace(deployment);
        var name = Name(deployment);
        deployment = _objects[Key(ResourceType.Deployments, ns, name)];
        var behavior = _rollouts.GetValueOrDefault((ns, name));
        var desired = deployment["spec"]!["replicas"]?.GetValue<int>() ?? 1;
        var owned = Owned(ResourceType.ReplicaSets, deployment);
        var newest = owned.OrderByDescending(Revision).FirstOrDefault();
        var allPods = owned.SelectMany(rs => Owned(ResourceType.Pods, rs)).ToList();
        var updatedPods = newest is null ? [] : Owned(ResourceType.Pods, newest);
        var available = allPods.Count(IsReady);
        var previous = deployment["status"] as JsonObject;
        var observed = behavior == RolloutBehavior.Stepwise
            ? previous?["observedGeneration"]?.GetValue<long>() ?? 0
            : Generation(deployment);
        var complete = updatedPods.Count == desired && allPods.Count == desired && available == desired;
        var paused = deployment["spec"]!["paused"]?.GetValue<bool>() == true;
        var rsName = newest is null ? name : Name(newest);
        (string Status, string Reason, string Message) progressing =
            _deadlineExceeded.Contains((ns, name)) ? ("False", "ProgressDeadlineExceeded", $"ReplicaSet \"{rsName}\" has timed out progressing.")
            : paused ? ("Unknown", "DeploymentPaused", "Deployment is paused")
            : complete ? ("True", "NewReplicaSetAvailable", $"ReplicaSet \"{rsName}\" has successfully progressed.")
            : ("True", "ReplicaSetUpdated", $"ReplicaSet \"{rsName}\" is progressing.");
        var status = WithoutZeros(new JsonObject
        {
            ["observedGeneration"] = observed,
            ["replicas"] = allPods.Count,
            ["updatedReplicas"] = updatedPods.Count,
            ["readyReplicas"] = available,
            ["availableReplicas"] = available,
            ["unavailableReplicas"] = Math.Max(0, desired - available),
        });
        status["conditions"] = new JsonArray(
            Condition("Available", available >= desired ? "True" : "False", available >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", available >= desired ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
            Condition("Progressing", progressing.Status, progressing.Reason, progressing.Message));
        var updated = (JsonObject)deployment.DeepClone();
        updated["status"] = status;
        Put(Key(ResourceType.Deployments, ns, name), updated);
    }

    private void ReconcileStatefulSet(JsonObject statefulSet)
    {
        var ns = Namespace(statefulSet);
        var name = Name(statefulSet);
        var desired = statefulSet["spec"]!["replicas"]?.GetValue<int>() ?? 1;
        var template = statefulSet["spec"]!["template"]!;
        var revision = $"{name}-{Hash(TemplateWithoutHash(template).ToJsonString())}";
        var pods = Owned(ResourceType.Pods, statefulSet);
        foreach (var pod in pods)
        {
            var ordinal = int.Parse(Name(pod)[(name.Length + 1)..], CultureInfo.InvariantCulture);
            if (ordinal >= desired || Selectors.Labels(pod).GetValueOrDefault("controller-revision-hash") != revision)
            {
                Remove(Key(ResourceType.Pods, ns, Name(pod)));
            }
        }

        for (var ordinal = 0; ordinal < desired; ordinal++)
        {
            var podName = $"{name}-{ordinal}";
            if (!_objects.ContainsKey(Key(ResourceType.Pods, ns, podName)))
            {
                var pod = (JsonObject)CreatePod(statefulSet, template, podName, ready: true, tolerateUnschedulable: false).DeepClone();
                var labels = (JsonObject)pod["metadata"]!["labels"]!;
                labels["controller-revision-hash"] = revision;
                labels["statefulset.kubernetes.io/pod-name"] = podName;
                Put(Key(ResourceType.Pods, ns, podName), pod);
            }
        }

        var current = Owned(ResourceType.Pods, statefulSet);
        var ready = current.Count(IsReady);
        var updated = (JsonObject)statefulSet.DeepClone();
        var status = WithoutZeros(new JsonObject
        {
            ["observedGeneration"] = Generation(statefulSet),
            ["replicas"] = current.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["currentReplicas"] = current.Count,
            ["updatedReplicas"] = current.Count,
        });
        status["currentRevision"] = revision;
        status["updateRevision"] = revision;
        updated["status"] = status;
        Put(Key(ResourceType.StatefulSets, ns, name), updated);
    }

    private void ReconcileDaemonSet(JsonObject daemonSet)
    {
        var ns = Namespace(daemonSet);
        var template = daemonSet["spec"]!["template"]!;
        var hash = Hash(TemplateWithoutHash(template).ToJsonString());
        var nodes = Objects(ResourceType.Nodes).Select(Name).ToList();
        var pods = Owned(ResourceType.Pods, daemonSet);
        foreach (var pod in pods.Where(p => Selectors.Labels(p).GetValueOrDefault("controller-revision-hash") != hash || !nodes.Contains(p["spec"]?["nodeName"]?.GetValue<string>() ?? "")))
        {
            Remove(Key(ResourceType.Pods, ns, Name(pod)));
        }

        pods = Owned(ResourceType.Pods, daemonSet);
        foreach (var node in nodes.Where(n => !pods.Any(p => p["spec"]?["nodeName"]?.GetValue<string>() == n)))
        {
            var pod = (JsonObject)CreatePod(daemonSet, template, $"{Name(daemonSet)}-{NextSuffix()}", ready: true, tolerateUnschedulable: true, node).DeepClone();
            ((JsonObject)pod["metadata"]!["labels"]!)["controller-revision-hash"] = hash;
            Put(Key(ResourceType.Pods, ns, Name(pod)), pod);
        }

        var current = Owned(ResourceType.Pods, daemonSet);
        var ready = current.Count(IsReady);
        var updated = (JsonObject)daemonSet.DeepClone();
        updated["status"] = WithoutZeros(new JsonObject
        {
            ["observedGeneration"] = Generation(daemonSet),
            ["desiredNumberScheduled"] = nodes.Count,
            ["currentNumberScheduled"] = current.Count,
            ["updatedNumberScheduled"] = current.Count,
            ["numberReady"] = ready,
            ["numberAvailable"] = ready,
        });
        Put(Key(ResourceType.DaemonSets, ns, Name(daemonSet)), updated);
    }

    private JsonObject CreatePod(JsonObject owner, JsonNode template, string name, bool ready, bool tolerateUnschedulable, string? node = null)
    {
        var ns = Namespace(owner);
        node ??= PickNode(tolerateUnschedulable);
        var spec = (JsonObject)(template["spec"]?.DeepClone() ?? new JsonObject());
        if (node is not null)
        {
            spec["nodeName"] = node;
        }

        var pod = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = template["metadata"]?["labels"]?.DeepClone() ?? new JsonObject(),
                ["annotations"] = template["metadata"]?["annotations"]?.DeepClone() ?? new JsonObject(),
                ["ownerReferences"] = OwnerReferences(owner),
            },
            ["spec"] = spec,
        };
        var scheduled = node is not null || Keys(ResourceType.Nodes).Count == 0;
        pod["status"] = scheduled
            ? PodStatus(ready, NextIp(), pod)
            : new JsonObject { ["phase"] = "Pending", ["conditions"] = new JsonArray(Condition("PodScheduled", "False", "Unschedulable", "0/1 nodes are available: node(s) were unschedulable.")) };
        return CreateCore(ResourceType.Pods, ns, pod);
    }

    private string? PickNode(bool tolerateUnschedulable)
    {
        var nodes = Objects(ResourceType.Nodes)
            .Where(n => tolerateUnschedulable || n["spec"]?["unschedulable"]?.GetValue<bool>() != true)
            .Select(Name)
            .ToList();
        return nodes.Count == 0
            ? null
            : nodes.MinBy(n => Keys(ResourceType.Pods).Count(key => _objects[key]["spec"]?["nodeName"]?.GetValue<string>() == n));
    }

    private static JsonObject PodStatus(bool ready, string ip, JsonObject pod)
    {
        var flag = ready ? "True" : "False";
        var containers = (pod["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>()
            .Select(c => (JsonNode)new JsonObject { ["name"] = c["name"]?.DeepClone(), ["ready"] = ready, ["restartCount"] = 0 })
            .ToArray() ?? [];
        return new JsonObject
        {
            ["phase"] = "Running",
            ["podIP"] = ip,
            ["conditions"] = new JsonArray(
                Condition("PodScheduled", "True", null, null),
                Condition("Initialized", "True", null, null),
                Condition("ContainersReady", flag, null, null),
                Condition("Ready", flag, null, null)),
            ["containerStatuses"] = new JsonArray(containers),
        };
    }

    public static bool IsReady(JsonObject pod) =>
        pod["status"]?["phase"]?.GetValue<string>() == "Running" &&
        (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .Any(c => c["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true;

    private static JsonObject Condition(string type, string status, string? reason, string? message)
    {
        var condition = new JsonObject { ["type"] = type, ["status"] = status };
        if (reason is not null)
        {
            condition["reason"] = reason;
        }

        if (message is not null)
        {
            condition["message"] = message;
        }

        return condition;
    }

    // The API server omits zero-valued status counters: clients must treat a missing field as 0.
    private static JsonObject WithoutZeros(JsonObject status)
    {
        foreach (var key in status.Where(kv => kv.Value?.ToJsonString() == "0").Select(kv => kv.Key).ToList())
        {
            status.Remove(key);
        }

        return status;
    }

    private List<JsonObject> Owned(ResourceType type, JsonObject owner)
    {
        return _byController.TryGetValue(Uid(owner), out var owned)
            ? [.. owned.Where(key => key.Type == type).OrderBy(key => key.Name, StringComparer.Ordinal).Select(key => _objects[key])]
            : [];
    }

    private static JsonArray OwnerReferences(JsonObject owner) =>
    [
        new JsonObject
        {
            ["apiVersion"] = owner["apiVersion"]!.DeepClone(),
            ["kind"] = owner["kind"]!.DeepClone(),
            ["name"] = Name(owner),
            ["uid"] = Uid(owner),
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        },
    ];

    private static JsonObject TemplateWithoutHash(JsonNode? template)
    {
        var copy = (JsonObject)(template?.DeepClone() ?? new JsonObject());
        (copy["metadata"]?["labels"] as JsonObject)?.Remove(PodTemplateHashLabel);
        return copy;
    }

    private static int Revision(JsonObject replicaSet) =>
        int.TryParse(replicaSet["metadata"]?["annotations"]?[RevisionAnnotation]?.GetValue<string>(), CultureInfo.InvariantCulture, out var r) ? r : 0;

    private static string? ControllerUid(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(r => r["controller"]?.GetValue<bool>() == true)?["uid"]?.GetValue<string>();

    private static long Generation(JsonObject obj) => obj["metadata"]?["generation"]?.GetValue<long>() ?? 1;

    private static string Uid(JsonObject obj) => obj["metadata"]!["uid"]!.GetValue<string>();

    private static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    private static string Namespace(JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>() ?? string.Empty;

    private static (ResourceType Type, string Namespace, string Name) Key(ResourceType type, string? ns, string name) =>
        (type, type.Namespaced ? ns ?? string.Empty : string.Empty, name);

    private string NextSuffix()
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var n = ++_names;
        var chars = new char[5];
        for (var i = 4; i >= 0; i--)
        {
            chars[i] = Alphabet[n % Alphabet.Length];
            n /= Alphabet.Length;
        }

        return new string(chars);
    }

    private string NextIp()
    {
        var n = ++_ips;
        return string.Create(CultureInfo.InvariantCulture, $"10.244.{n / 250}.{(n % 250) + 1}");
    }

    // A stable 10-character name suffix for a template, like the controller's pod-template-hash.
    private static string Hash(string text)
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var hash = 14695981039346656037UL;
        foreach (var c in Canonical(JsonNode.Parse(text)))
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        var chars = new char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[(int)(hash % (ulong)Alphabet.Length)];
            hash /= (ulong)Alphabet.Length;
        }

        return new string(chars);
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"\"{kv.Key}\":{Canonical(kv.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };
}

/// <summary>A change as a watch delivers it: <c>ADDED</c>, <c>MODIFIED</c> or <c>DELETED</c>, with the object after it.</summary>
public sealed record WatchEvent(string Type, JsonObject Item, long ResourceVersion);

internal sealed record StoredEvent(long Version, ResourceType Type, string Namespace, string EventType, JsonObject Item);
