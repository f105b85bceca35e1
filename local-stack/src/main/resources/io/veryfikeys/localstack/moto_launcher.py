# The local stack's moto server: python3 moto_launcher.py -H 127.0.0.1 -p PORT
# Started by MotoServer.java, which documents each patch below and why AWS behaves otherwise.
import sys

import moto

SUPPORTED = "5.2."
if not moto.__version__.startswith(SUPPORTED):
    print("local-stack: moto %s is installed; the local stack is tested with moto %sx, whose internals it"
          " patches: run pip install 'moto[server]==5.2.*'" % (moto.__version__, SUPPORTED), file=sys.stderr)
    sys.exit(3)

import copy, sys, uuid
try:
    from moto.stepfunctions.models import StateMachine
    def _deepcopy(self, memo):
        clone = self.__class__.__new__(self.__class__)
        memo[id(self)] = clone
        for k, v in self.__dict__.items():
            if k in ("backend", "executions"):
                setattr(clone, k, v)
                continue
            try:
                setattr(clone, k, copy.deepcopy(v, memo))
            except TypeError:
                setattr(clone, k, v)
        return clone
    StateMachine.__deepcopy__ = _deepcopy
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    _start = StepFunctionsParserBackend.start_execution
    def _start_execution(self, state_machine_arn, name=None, *args, **kwargs):
        return _start(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)
    StepFunctionsParserBackend.start_execution = _start_execution
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn import StateTaskServiceSfn
    _normalise = StateTaskServiceSfn._normalise_parameters
    def _normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):
        _normalise(self, parameters, boto_service_name, service_action_name)
        for key in [k for k in parameters if k[:1].isupper()]:
            parameters[key[0].lower() + key[1:]] = parameters.pop(key)
    StateTaskServiceSfn._normalise_parameters = _normalise_parameters
    _eval = StateTaskServiceSfn._eval_service_task
    def _eval_service_task(self, env, *args, **kwargs):
        _eval(self, env, *args, **kwargs)
        if env.stack and isinstance(env.stack[-1], dict):
            env.stack[-1] = {k[:1].upper() + k[1:]: v for k, v in env.stack[-1].items()}
    StateTaskServiceSfn._eval_service_task = _eval_service_task
    _normalise_response = StateTaskServiceSfn._normalise_response
    def _capitalised_response(self, response, *args, **kwargs):
        _normalise_response(self, response, *args, **kwargs)
        if isinstance(response, dict):
            for key in [k for k in response if k[:1].islower()]:
                response[key[:1].upper() + key[1:]] = response.pop(key)
    StateTaskServiceSfn._normalise_response = _capitalised_response
    from moto.secretsmanager.models import SecretsManagerBackend
    _update_stage = SecretsManagerBackend.update_secret_version_stage
    def _update_secret_version_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id):
        result = _update_stage(self, secret_id, version_stage, remove_from_version_id, move_to_version_id)
        if version_stage == "AWSCURRENT" and move_to_version_id:
            self.secrets[secret_id].default_version_id = move_to_version_id
        return result
    SecretsManagerBackend.update_secret_version_stage = _update_secret_version_stage
    import json
    from moto.secretsmanager.exceptions import SecretNotFoundException
    def _list_secret_version_ids(self, secret_id):
        if not self._is_valid_identifier(secret_id):
            raise SecretNotFoundException()
        secret = self.secrets[secret_id]
        versions = [{"CreatedDate": v.get("createdate"), "VersionId": vid,
                     "VersionStages": v["version_stages"]} for vid, v in secret.versions.items()]
        return json.dumps({"ARN": secret.arn, "Name": secret.name, "Versions": versions})
    SecretsManagerBackend.list_secret_version_ids = _list_secret_version_ids
    from moto.secretsmanager.models import FakeSecret
    _reset_default = FakeSecret.reset_default_version
    def _reset_default_version(self, secret_version, version_id):
        demoted = self.default_version_id
        kept = [s for s in self.versions[demoted]["version_stages"]
                if s not in ("AWSCURRENT", "AWSPREVIOUS")] if demoted else []
        _reset_default(self, secret_version, version_id)
        if demoted:
            self.versions[demoted]["version_stages"].extend(kept)
    FakeSecret.reset_default_version = _reset_default_version
    from moto.sns.models import SNSBackend
    _subscribe = SNSBackend.subscribe
    def _subscribe_pending(self, topic_arn, endpoint, protocol):
        subscription = _subscribe(self, topic_arn, endpoint, protocol)
        if protocol in ("email", "email-json") and not subscription.confirmed:
            subscription.attributes["PendingConfirmation"] = "true"
        return subscription
    SNSBackend.subscribe = _subscribe_pending
    _by_topic = SNSBackend.list_subscriptions_by_topic
    def _list_subscriptions_by_topic(self, topic_arn, next_token=None):
        subscriptions, token = _by_topic(self, topic_arn, next_token)
        shown = []
        for sub in subscriptions:
            if str(sub.attributes.get("PendingConfirmation")).lower() == "true":
                sub = copy.copy(sub)
                sub.arn = "PendingConfirmation"
            shown.append(sub)
        return shown, token
    SNSBackend.list_subscriptions_by_topic = _list_subscriptions_by_topic
    import moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda as stl
    _lambda_from_error = stl.StateTaskLambda._from_error
    def _lambda_error_name(self, env, ex):
        if isinstance(ex, stl.ClientError):
            error = "Lambda." + ex.response["Error"]["Code"]
            return stl.FailureEvent(env=env, error_name=stl.CustomErrorName(error),
                event_type=stl.HistoryEventType.LambdaFunctionFailed,
                event_details=stl.EventDetails(lambdaFunctionFailedEventDetails=stl.LambdaFunctionFailedEventDetails(
                    error=error, cause=ex.response["Error"].get("Message", ""))))
        return _lambda_from_error(self, env, ex)
    stl.StateTaskLambda._from_error = _lambda_error_name
    import functools
    import moto.stepfunctions.parser.asl.utils.json_path as _json_path
    import moto.stepfunctions.parser.asl.component.common.path.result_path as _result_path
    _json_path.parse = functools.lru_cache(maxsize=4096)(_json_path.parse)
    _result_path.parse = functools.lru_cache(maxsize=4096)(_result_path.parse)
    # EventBridge's delivery to a rule's target parses the same few JSONPaths (its default input
    # template's) with a new ply parser for every event: 100-200 ms of CPU per PutEvents alone, and
    # seconds under the test suite's load. A parsed path is a pure function of its text.
    import jsonpath_ng.ext as _jsonpath_ext
    _jsonpath_ext.parse = functools.lru_cache(maxsize=4096)(_jsonpath_ext.parse)
    # A .sync Task learns that its child ended from the engine itself instead of asking over HTTP
    # every 0.5 s: AWS does not poll from the workflow's side, and here each ask went through the
    # Lambda host and back into this process, and hundreds of waiting threads woke up to ask (with
    # 1,000 children, those wake-ups alone took most of this process's CPU). Each execution's end
    # sets an event; the Task waits on its child's, and only then asks DescribeExecution (once),
    # so its output is what AWS documents. It still looks up every 5 s, so that a Task whose own
    # execution was stopped stops waiting.
    import threading
    from moto.stepfunctions.parser.api import ExecutionStatus as _ExecutionStatus
    from moto.stepfunctions.parser.backend.execution import Execution as _Execution
    _ended_events, _ended_lock = {}, threading.Lock()
    def _ended_event(arn):
        with _ended_lock:
            event = _ended_events.get(arn)
            if event is None:
                event = _ended_events[arn] = threading.Event()
            return event
    def _set_exec_status(self, status):
        self.__dict__["_exec_status"] = status
        if status is not None and status != _ExecutionStatus.RUNNING:
            _ended_event(self.__dict__.get("exec_arn")).set()
    _Execution.exec_status = property(lambda self: self.__dict__.get("_exec_status"), _set_exec_status)
    def _waits_for_the_end(build):
        def build_resolver(self, env, *args, **kwargs):
            top = env.stack[-1] if env.stack else None
            arn = (top.get("ExecutionArn") or top.get("executionArn")) if isinstance(top, dict) else None
            resolver = build(self, env, *args, **kwargs)
            if arn is None or resolver is None:
                return resolver
            ended = _ended_event(arn)
            def resolve():
                if not ended.wait(5.0):
                    return None
                with _ended_lock:
                    _ended_events.pop(arn, None)
                return resolver()
            return resolve
        return build_resolver
    StateTaskServiceSfn._build_sync_resolver = _waits_for_the_end(StateTaskServiceSfn._build_sync_resolver)
    StateTaskServiceSfn._build_sync2_resolver = _waits_for_the_end(StateTaskServiceSfn._build_sync2_resolver)
    import importlib
    import moto.stepfunctions.parser.asl.utils.boto_client as _boto_client
    _clients, _clients_lock = {}, threading.Lock()
    def _cached_client(region, service, state_credentials=None):
        with _clients_lock:
            client = _clients.get((region, service))
            if client is None:
                client = _clients[(region, service)] = _boto_client.boto_client_for(region, service)
            return client
    for _name in ("state_map.item_reader.eval.resource_eval_s3", "state_map.result_writer.resource_eval.resource_eval_s3",
                  "state_task.lambda_eval_utils", "state_task.service.state_task_service_aws_sdk",
                  "state_task.service.state_task_service_sfn", "state_task.service.state_task_service_sns",
                  "state_task.service.state_task_service_events", "state_task.service.state_task_service_sqs",
                  "state_task.service.state_task_service_dynamodb"):
        _module = importlib.import_module("moto.stepfunctions.parser.asl.component.state.exec." + _name)
        _module.boto_client_for = _cached_client
    _sfn_from_error = StateTaskServiceSfn._from_error
    def _sfn_error_with_request_id(self, env, ex):
        response = getattr(ex, "response", None)
        if isinstance(response, dict):
            print("local-stack: states integration error %s %s: %s" % (
                response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                response.get("Error", {}).get("Code"), response.get("Error", {}).get("Message")),
                file=sys.stderr)
            response.setdefault("ResponseMetadata", {}).setdefault("RequestId", str(uuid.uuid4()))
        return _sfn_from_error(self, env, ex)
    StateTaskServiceSfn._from_error = _sfn_error_with_request_id
    # Each execution parsed its state machine's definition twice with ANTLR's pure-Python runtime
    # (the engine's entry point, and the static analysis of its variables): for the rotation's
    # definition that was most of this process's CPU in a fleet run. The parse tree is kept per
    # definition text and only read afterwards; each caller still gets components of its own.
    import moto.stepfunctions.parser.asl.parse.asl_parser as _asl_parser
    from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor as _Preprocessor
    _parse = _asl_parser.AmazonStateLanguageParser.parse
    _parse_trees, _parse_lock = {}, threading.Lock()
    def _parse_once(definition):
        tree = _parse_trees.get(definition)
        if tree is None:
            program, tree = _parse(definition)
            with _parse_lock:
                if len(_parse_trees) >= 256:
                    _parse_trees.clear()
                _parse_trees[definition] = tree
            return program, tree
        return _Preprocessor().visit(tree), tree
    _asl_parser.AmazonStateLanguageParser.parse = staticmethod(_parse_once)
    # ListExecutions' next token names the first execution of the next page; when that execution
    # ended between the pages (a RUNNING filter), moto failed the call with InvalidToken "Resource
    # not found!", where AWS's tokens stay valid for 24 hours. The patch goes on from the token's
    # start date (executions are listed newest first): nothing is skipped.
    import datetime
    from moto.utilities.paginator import Paginator
    from moto.core.exceptions import InvalidToken
    _paginate = Paginator.paginate
    def _paginate_past_ended(self, results):
        try:
            return _paginate(self, results)
        except InvalidToken:
            if self._unique_attributes != ["start_date", "execution_arn"] or not self._parsed_token:
                raise
            since = datetime.datetime.fromisoformat(self._parsed_token["uniqueAttributes"].split("|")[0])
            rest = [r for r in results if r.start_date <= since]
            more = len(rest) > self._max_results
            return rest[:self._max_results], self._build_next_token(rest[self._max_results]) if more else None
    Paginator.paginate = _paginate_past_ended
    # EventBridge: PutEvents offered every event to every rule of the bus, a rule with only a
    # schedule (no pattern: moto matches it to everything) and a disabled one too; the fleet's
    # schedule rule then failed the whole call with HTTP 500 (it cannot deliver to a state
    # machine). In AWS only an enabled rule's event pattern is matched against put events.
    from moto.events.models import Rule as _EventsRule
    _send_to_targets = _EventsRule.send_to_targets
    def _send_if_pattern_matches(self, original_event, transform_input=True):
        if self.state != "ENABLED" or not self.event_pattern.get_pattern():
            return None
        return _send_to_targets(self, original_event, transform_input)
    _EventsRule.send_to_targets = _send_if_pattern_matches
except (ImportError, AttributeError) as e:
    print("local-stack: moto patches not applied:", e, file=sys.stderr)
try:
    import moto.backends as _backends
    _modules = tuple(_backends.list_of_moto_modules())
    _backends.list_of_moto_modules = lambda: _modules
except (ImportError, AttributeError) as e:
    print("local-stack: moto module list not cached:", e, file=sys.stderr)
try:
    # Keep-alive: werkzeug answers HTTP/1.0 and closes every connection, so each AWS call of the
    # tests (and each call of moto's own engine) opened a new one; under a fleet run the accept
    # queue fell behind and connects timed out. HTTP/1.1 lets the Lambda host and the engine's
    # clients reuse connections.
    from werkzeug.serving import WSGIRequestHandler
    WSGIRequestHandler.protocol_version = "HTTP/1.1"
except ImportError as e:
    print("local-stack: keep-alive not enabled:", e, file=sys.stderr)
try:
    # DynamoDB applies each item write atomically ("All of these operations are atomic":
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html), so a
    # conditional UpdateItem is a safe counter. Moto reads, checks and writes without a lock, and
    # werkzeug serves requests on threads: two concurrent increments of the request budget's
    # count both passed its condition and one was lost. One lock around item writes restores the
    # atomicity the functions rely on.
    import functools, threading
    from moto.dynamodb.models import DynamoDBBackend
    _dynamodb_writes = threading.Lock()
    def _atomic(method):
        @functools.wraps(method)
        def locked(self, *args, **kwargs):
            with _dynamodb_writes:
                return method(self, *args, **kwargs)
        return locked
    for _name in ("put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items"):
        setattr(DynamoDBBackend, _name, _atomic(getattr(DynamoDBBackend, _name)))
except (ImportError, AttributeError) as e:
    print("local-stack: DynamoDB writes not made atomic:", e, file=sys.stderr)
import logging
logging.getLogger("werkzeug").setLevel(logging.WARNING)
from moto.server import main
main(sys.argv[1:])
