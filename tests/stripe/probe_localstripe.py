#!/usr/bin/env python3
"""Probes localstripe with the Stripe calls Transcriptor's Swift code makes, and prints what it answers.

    .venv/bin/python tests/stripe/probe_localstripe.py [--full]

Starts local/stripe/localstripe_server.py on a free loopback port with a temporary data folder and
config/plans.json, and a small HTTP server on loopback that receives its webhooks. Every call is plain
HTTP through urllib, as the Swift client makes it: form-encoded bodies, `Authorization: Bearer sk_test_...`
(the browser's calls, which localstripe's Stripe.js stand-in makes, are replayed byte for byte instead:
JSON bodies sent as text/plain, the publishable key in the body, no Authorization). The Stripe Python
library is not used on purpose: it would hide the wire format this probe is here to show.

Each step prints the request and the response (status and JSON; --full prints every response whole)
and checks the facts docs/localstripe-notes.md relies on. It ends with `probe: N passed, N failed`
and exits 1 if a check failed, so that a localstripe upgrade that changes a fact is noticed.
"""

import argparse
import hashlib
import hmac
import http.server
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET_KEY = 'sk_test_probe'
PUBLISHABLE_KEY = 'pk_test_probe'
WEBHOOK_SECRET = 'whsec_probe_secret'

# Only loopback is ever contacted: no proxy, whatever the environment says.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

FULL = False
passed = 0
failed = 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
        print('  ok   ' + what)
    else:
        failed += 1
        print('  FAIL ' + what)


def section(title):
    print('\n' + '=' * 100 + '\n' + title + '\n' + '=' * 100)


def dig(obj, path):
    """obj's value at a dotted path (list indexes as numbers), or '<absent>'."""
    for part in path.split('.'):
        if isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        elif isinstance(obj, dict) and part in obj:
            obj = obj[part]
        else:
            return '<absent>'
    return obj


class Stripe:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, form=None, query=None, headers=None, json_body=None,
             key=SECRET_KEY, show=True, fields=None, note=None):
        """One request. form/query: lists of (name, value) pairs, sent in that order."""
        url = self.base + path
        if query:
            url += '?' + urllib.parse.urlencode(query)
        hdrs = dict(headers or {})
        data = None
        if key:
            hdrs['Authorization'] = 'Bearer ' + key
        if json_body is not None:
            # What the Stripe.js stand-in's fetch() sends: a string body, so text/plain.
            data = json.dumps(json_body).encode()
            hdrs.setdefault('Content-Type', 'text/plain;charset=UTF-8')
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            hdrs['Content-Type'] = 'application/x-www-form-urlencoded'
        request = urllib.request.Request(url, data=data, method=method, headers=hdrs)
        try:
            with OPENER.open(request, timeout=30) as r:
                status, rheaders, raw = r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            status, rheaders, raw = e.code, dict(e.headers), e.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode(errors='replace')
        if show:
            print('\n--> %s %s' % (method, url[len(self.base):]))
            if note:
                print('    (%s)' % note)
            for name in ('Authorization', 'Content-Type', 'Idempotency-Key', 'Stripe-Version', 'Origin'):
                if name in hdrs:
                    print('    %s: %s' % (name, hdrs[name]))
            if json_body is not None:
                print('    body: ' + json.dumps(json_body))
            elif form is not None:
                print('    body: ' + urllib.parse.unquote(urllib.parse.urlencode(form)))
            print('<-- %d %s' % (status, rheaders.get('Content-Type', '')))
            if isinstance(body, dict) and fields and not FULL:
                for f in fields:
                    print('    %s = %s' % (f, json.dumps(dig(body, f))))
            else:
                text = json.dumps(body, indent=2, sort_keys=True) if not isinstance(body, str) else body
                print('    ' + text.replace('\n', '\n    '))
        return status, body, rheaders


class WebhookReceiver:
    """Records every POST it gets: path, headers, raw body; answers 200."""

    def __init__(self):
        self.received = []
        self.cond = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                with receiver.cond:
                    receiver.received.append({'path': self.path, 'headers': dict(self.headers),
                                              'body': body, 'at': time.time()})
                    receiver.cond.notify_all()
                self.send_response(200)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        with self.cond:
            return [json.loads(r['body']) for r in self.received]

    def wait_for(self, predicate, timeout=8):
        """The first recorded delivery whose event satisfies predicate, waiting up to timeout s."""
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for r in self.received:
                    if predicate(json.loads(r['body'])):
                        return r
                left = deadline - time.time()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def types_for(self, object_id, settle=2.5):
        """After letting deliveries settle (localstripe sends each 1 s after the event), the types of
        the events whose data.object.id is object_id, in the order received."""
        time.sleep(settle)
        return [e['type'] for e in self.events() if e['data']['object'].get('id') == object_id]


def start_wrapper(data_dir, webhook_url):
    cmd = [sys.executable, os.path.join(ROOT, 'local/stripe/localstripe_server.py'),
           '--port', '0', '--data', data_dir, '--webhook-url', webhook_url,
           '--webhook-secret', WEBHOOK_SECRET, '--plans', os.path.join(ROOT, 'config/plans.json')]
    log = open(os.path.join(os.path.dirname(data_dir), 'wrapper.log'), 'ab')
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    line = proc.stdout.readline().strip() if ready else ''
    if not line.startswith('localstripe ready on 127.0.0.1:'):
        proc.kill()
        sys.exit('the wrapper did not get ready: %r (see %s)' % (line, log.name))
    print('wrapper: ' + ' '.join(cmd[1:]))
    print('wrapper said: ' + line)
    return proc, int(line.rsplit(':', 1)[1])


def stop_wrapper(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        return None


# --- the browser's part, as localstripe-v3.js makes it ------------------------------------------------

def js_confirm_card_setup(stripe, client_secret, number, postal_code='10001', show=True):
    """Stripe.confirmCardSetup(clientSecret, {payment_method: {card: element}}) of localstripe-v3.js:
    POST /v1/setup_intents/{seti}/confirm, JSON body as text/plain, no Authorization, the card as the
    element's inputs give it (strings; exp_year '20' + two digits)."""
    seti = client_secret.split('_secret_')[0]
    body = {'key': PUBLISHABLE_KEY, 'use_stripe_sdk': True, 'client_secret': client_secret,
            'payment_method_data': {
                'type': 'card',
                'card': {'number': number, 'exp_month': '12', 'exp_year': '2034', 'cvc': '123'},
                'billing_details': {'address': {'postal_code': postal_code}}}}
    return stripe.call('POST', '/v1/setup_intents/%s/confirm' % seti, json_body=body, key=None,
                       headers={'Origin': 'http://127.0.0.1:5173'}, show=show,
                       note='confirmCardSetup, first call')


def js_finish_card_setup(stripe, client_secret, complete=True, show=True):
    """confirmCardSetup's second call when the first answered requires_action: the 3-D Secure modal's
    'Complete authentication' posts /confirm again, 'Fail authentication' posts /cancel."""
    seti = client_secret.split('_secret_')[0]
    return stripe.call('POST', '/v1/setup_intents/%s/%s' % (seti, 'confirm' if complete else 'cancel'),
                       json_body={'key': PUBLISHABLE_KEY, 'use_stripe_sdk': True,
                                  'client_secret': client_secret},
                       key=None, show=show, note='confirmCardSetup, after the 3-D Secure modal')


def js_confirm_card_payment(stripe, client_secret, success=True, show=True, fields=None):
    """Stripe.confirmCardPayment(clientSecret) of localstripe-v3.js: always the 3-D Secure modal, then
    POST /v1/payment_intents/{pi}/_authenticate?success=true|false, JSON {key, client_secret}."""
    pi = client_secret.split('_secret_')[0]
    return stripe.call('POST', '/v1/payment_intents/%s/_authenticate' % pi,
                       query=[('success', 'true' if success else 'false')],
                       json_body={'key': PUBLISHABLE_KEY, 'client_secret': client_secret},
                       key=None, show=show, fields=fields, note='confirmCardPayment')


# --- the server's part, as the Swift code will make it ------------------------------------------------

def new_customer(stripe, email, show=False):
    status, cus, _ = stripe.call('POST', '/v1/customers', form=[
        ('email', email), ('name', 'Probe User'), ('metadata[userId]', 'user-' + email.split('@')[0]),
        ('address[country]', 'US'), ('address[postal_code]', '10001')], show=show)
    assert status == 200, cus
    return cus['id']


def card_for(stripe, customer, number, make_default=True):
    """A card saved the way the app saves one: SetupIntent, the browser confirms it, the server
    attaches the PaymentMethod and makes it the customer's default."""
    _, seti, _ = stripe.call('POST', '/v1/setup_intents', form=[
        ('customer', customer), ('usage', 'off_session'), ('payment_method_types[]', 'card')], show=False)
    status, seti, _ = js_confirm_card_setup(stripe, seti['client_secret'], number, show=False)
    if seti.get('status') == 'requires_action':
        status, seti, _ = js_finish_card_setup(stripe, seti['client_secret'], show=False)
    assert status == 200 and seti['status'] == 'succeeded', seti
    pm = seti['payment_method']
    status, body, _ = stripe.call('POST', '/v1/payment_methods/%s/attach' % pm,
                                  form=[('customer', customer)], show=False)
    assert status == 200, body
    if make_default:
        set_default(stripe, customer, pm)
    return pm


def set_default(stripe, customer, pm):
    status, body, _ = stripe.call('POST', '/v1/customers/' + customer,
                                  form=[('invoice_settings[default_payment_method]', pm)], show=False)
    assert status == 200, body


SUB_FIELDS = ['id', 'status', 'current_period_start', 'current_period_end', 'cancel_at_period_end',
              'cancel_at', 'canceled_at', 'ended_at', 'start_date', 'items.data.0.id', 'items.data.0.plan.id',
              'latest_invoice']
INVOICE_FIELDS = ['id', 'status', 'subscription', 'amount_due', 'amount_paid', 'total', 'currency',
                  'period_start', 'period_end', 'date', 'created', 'payment_intent',
                  'lines.data.0.description', 'lines.data.0.amount', 'lines.data.1.description',
                  'lines.data.1.amount']


def subscribe(stripe, customer, plan='pro', show=True, extra=(), fields=None):
    form = [('customer', customer), ('items[0][plan]', plan), ('payment_behavior', 'error_if_incomplete'),
            ('expand[]', 'latest_invoice.payment_intent')] + list(extra)
    return stripe.call('POST', '/v1/subscriptions', form=form, show=show, fields=fields)


def renew(stripe, customer, subscription, show=True):
    """What the app does at the end of a period: an invoice for the subscription, then pay it."""
    status, inv, _ = stripe.call('POST', '/v1/invoices', form=[
        ('customer', customer), ('subscription', subscription)], show=show, fields=INVOICE_FIELDS)
    assert status == 200, inv
    status, paid, _ = stripe.call('POST', '/v1/invoices/%s/pay' % inv['id'], form=[], show=show,
                                  fields=INVOICE_FIELDS + ['payment_intent'])
    return inv, status, paid


def main():
    global FULL
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--full', action='store_true', help='print every response whole')
    FULL = parser.parse_args().full

    hooks = WebhookReceiver()
    work = tempfile.mkdtemp(prefix='probe-localstripe-')
    data_dir = os.path.join(work, 'data')
    webhook_url = 'http://127.0.0.1:%d/stripe/webhook' % hooks.port
    proc, port = start_wrapper(data_dir, webhook_url)
    stripe = Stripe('http://127.0.0.1:%d' % port)
    try:
        run(stripe, hooks)
        section('persistence: the same --data after a restart')
        rc = stop_wrapper(proc)
        check(rc == 0, 'SIGTERM: the wrapper exits 0 (got %r)' % rc)
        check(os.path.exists(os.path.join(data_dir, 'localstripe.pickle')),
              'state is in --data/localstripe.pickle')
        proc, port = start_wrapper(data_dir, webhook_url)
        stripe = Stripe('http://127.0.0.1:%d' % port)
        status, plans, _ = stripe.call('GET', '/v1/plans', show=False)
        check(sorted(p['id'] for p in plans['data']) == ['business', 'pro'],
              'plans kept, not duplicated: %s' % [p['id'] for p in plans['data']])
        status, body, _ = stripe.call('GET', '/v1/customers/' + run.persisted_customer, show=False)
        check(status == 200, 'a customer made before the restart is still there')
        # The webhook is registered again by the wrapper: an event after the restart is delivered.
        cus = new_customer(stripe, 'after-restart@example.com')
        check(hooks.wait_for(lambda e: e['type'] == 'customer.created' and e['data']['object']['id'] == cus)
              is not None, 'webhook delivered after a restart (registered again at start)')
    finally:
        rc = stop_wrapper(proc)
        hooks.server.shutdown()
    if failed:
        print('\nwrapper log (kept): %s/wrapper.log' % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    print('probe: %d passed, %d failed' % (passed, failed))
    sys.exit(1 if failed else 0)


def run(stripe, hooks):
    section('plans made by the wrapper from config/plans.json')
    status, plans, _ = stripe.call('GET', '/v1/plans', fields=['data.0.id', 'data.1.id', 'total_count'])
    check(sorted(p['id'] for p in plans['data']) == ['business', 'pro'], 'only the paid plans: pro, business')
    status, pro, _ = stripe.call('GET', '/v1/plans/pro', query=[('expand[]', 'product')])
    check(pro['amount'] == 1500 and pro['currency'] == 'usd' and pro['interval'] == 'month',
          'pro: 1500 usd monthly')
    check(pro['product']['id'] == 'prod_pro' and pro['product']['name'] == 'Pro',
          'its product prod_pro, expandable')

    # ------------------------------------------------------------------------------------------------
    section('a. customers')
    status, cus, _ = stripe.call('POST', '/v1/customers', form=[
        ('email', 'alice@example.com'), ('name', 'Alice'), ('metadata[userId]', 'user-alice'),
        ('address[country]', 'US'), ('address[postal_code]', '10001'), ('address[line1]', '1 Main St')])
    check(status == 200 and cus['id'].startswith('cus_'), 'POST /v1/customers -> 200, id cus_...')
    check(cus['metadata'] == {'userId': 'user-alice'} and cus['address']['country'] == 'US',
          'metadata and address kept')
    check(cus['invoice_settings'] == {'default_payment_method': None}, 'invoice_settings.default_payment_method null')
    alice = cus['id']
    run.persisted_customer = alice
    status, body, _ = stripe.call('POST', '/v1/customers', form=[('email', 'x@example.com'),
                                                                 ('address[zip]', '1')])
    check(status == 400 and body['error']['message'] == 'Bad request',
          'an address key Stripe does not know -> 400 "Bad request"')
    status, body, _ = stripe.call('POST', '/v1/customers', form=[('email', 'x@example.com'),
                                                                 ('preferred_language', 'en')])
    check(status == 400 and body['error']['message'] == 'Unexpected preferred_language',
          'an unknown parameter -> 400 "Unexpected <name>"')
    doomed = new_customer(stripe, 'doomed@example.com')
    status, body, _ = stripe.call('DELETE', '/v1/customers/' + doomed)
    check(status == 200 and body == {'deleted': True, 'id': doomed, 'object': 'customer'},
          'DELETE /v1/customers/{id} -> {"deleted": true, "id", "object": "customer"}')
    status, body, _ = stripe.call('GET', '/v1/customers/' + doomed)
    check(status == 404 and body['error']['message'] == 'Not Found', 'then GET -> 404 "Not Found"')
    status, body, _ = stripe.call('GET', '/v1/customers', query=[('email', 'alice@example.com')],
                                  fields=['object', 'data.0.id', 'total_count', 'has_more'])
    check(body['data'][0]['id'] == alice, 'GET /v1/customers?email= finds her')

    # ------------------------------------------------------------------------------------------------
    section('b. SetupIntent; the browser confirms it (localstripe-v3.js confirmCardSetup)')
    status, js, rh = stripe.call('GET', '/js.stripe.com/v3/', key=None, show=False)
    print('GET /js.stripe.com/v3/ -> %d %s, %d bytes' % (status, rh.get('Content-Type'), len(js)))
    check(status == 200 and '/setup_intents/${seti}/confirm' in js and '/_authenticate?success=' in js,
          'the Stripe.js stand-in is served at /js.stripe.com/v3/ (needs no key)')
    status, seti, _ = stripe.call('POST', '/v1/setup_intents', form=[
        ('customer', alice), ('usage', 'off_session'), ('payment_method_types[]', 'card')])
    check(status == 200 and seti['status'] == 'requires_payment_method' and
          seti['client_secret'].startswith(seti['id'] + '_secret_'),
          'POST /v1/setup_intents -> requires_payment_method, client_secret seti_..._secret_...')
    status, confirmed, rh = js_confirm_card_setup(stripe, seti['client_secret'], '4242424242424242')
    check(status == 200 and confirmed['status'] == 'succeeded' and confirmed['payment_method'].startswith('pm_'),
          'confirm with payment_method_data -> succeeded, payment_method pm_...')
    check(rh.get('Access-Control-Allow-Origin') == 'http://127.0.0.1:5173',
          'CORS: the Origin is echoed in Access-Control-Allow-Origin')
    pm = confirmed['payment_method']
    status, body, _ = stripe.call('GET', '/v1/payment_methods/' + pm)
    check(body['customer'] is None,
          'DEVIATION: the confirmed SetupIntent did NOT attach the PaymentMethod to its customer')
    check(body['billing_details'] == {'address': {'postal_code': '10001'}}, 'billing_details as the JS sent them')

    print('\n3-D Secure card 4000002500003155 at setup:')
    _, seti3, _ = stripe.call('POST', '/v1/setup_intents', form=[('customer', alice), ('usage', 'off_session'),
                                                                 ('payment_method_types[]', 'card')], show=False)
    status, body, _ = js_confirm_card_setup(stripe, seti3['client_secret'], '4000002500003155',
                                            show=True)
    check(status == 200 and body['status'] == 'requires_action' and
          body['next_action'] == {'type': 'use_stripe_sdk',
                                  'use_stripe_sdk': {'type': 'three_d_secure_redirect', 'stripe_js': ''}},
          'first confirm -> requires_action, next_action use_stripe_sdk/three_d_secure_redirect')
    status, body, _ = js_finish_card_setup(stripe, seti3['client_secret'], complete=True)
    check(status == 200 and body['status'] == 'succeeded', '"Complete authentication": confirm again -> succeeded')
    seti3_pm = body['payment_method']
    _, seti4, _ = stripe.call('POST', '/v1/setup_intents', form=[('customer', alice)], show=False)
    js_confirm_card_setup(stripe, seti4['client_secret'], '4000002500003155', show=False)
    status, body, _ = js_finish_card_setup(stripe, seti4['client_secret'], complete=False,
                                           show=True)
    check(status == 200 and body['status'] == 'canceled', '"Fail authentication": /cancel -> canceled')

    print('\ncard 4000000000000002 (declined when saved):')
    _, seti5, _ = stripe.call('POST', '/v1/setup_intents', form=[('customer', alice)], show=False)
    status, body, _ = js_confirm_card_setup(stripe, seti5['client_secret'], '4000000000000002')
    check(status == 402 and body == {'error': {'code': 'card_declined', 'message': 'Your card was declined.',
                                               'type': 'invalid_request_error'}},
          '402 {"error": {"code": "card_declined", "message", "type": "invalid_request_error"}}')
    status, body, _ = stripe.call('POST', '/v1/setup_intents/%s/confirm' % seti['id'],
                                  json_body={'key': PUBLISHABLE_KEY, 'client_secret': 'seti_x_secret_y'}, key=None)
    check(status == 401, 'a wrong client_secret -> 401')
    status, body, _ = stripe.call('POST', '/v1/setup_intents/%s/confirm' % seti['id'],
                                  json_body={'client_secret': seti['client_secret']}, key=None)
    check(status == 401, 'no key at all -> 401 (the pk_ key in the body is what authenticates the browser)')

    # ------------------------------------------------------------------------------------------------
    section('c. attach, default, card details')
    status, body, _ = stripe.call('POST', '/v1/payment_methods/%s/attach' % pm, form=[('customer', alice)])
    check(status == 200 and body['customer'] == alice, 'POST /v1/payment_methods/{id}/attach -> customer set')
    check(body['card']['brand'] == 'visa' and body['card']['last4'] == '4242' and
          body['card']['exp_month'] == 12 and body['card']['exp_year'] == 2034,
          'card.brand "visa", last4, exp_month/exp_year as numbers')
    status, body, _ = stripe.call('POST', '/v1/customers/' + alice,
                                  form=[('invoice_settings[default_payment_method]', pm)],
                                  fields=['invoice_settings'])
    check(body['invoice_settings']['default_payment_method'] == pm, 'default set')
    status, body, _ = stripe.call('GET', '/v1/customers/' + alice,
                                  query=[('expand[]', 'invoice_settings.default_payment_method')],
                                  fields=['invoice_settings.default_payment_method.card'])
    check(dig(body, 'invoice_settings.default_payment_method.card.last4') == '4242',
          'expand[]=invoice_settings.default_payment_method gives the card in one call')
    status, body, _ = stripe.call('GET', '/v1/payment_methods', query=[('customer', alice), ('type', 'card')],
                                  fields=['data.0.id', 'total_count'])
    check(status == 200 and [p['id'] for p in body['data']] == [pm], 'GET /v1/payment_methods?customer&type=card')
    status, body, _ = stripe.call('GET', '/v1/payment_methods', query=[('customer', alice)], show=False)
    check(status == 400, 'the list without type=card -> 400')
    unattached = seti3_pm
    status, body, _ = stripe.call('POST', '/v1/customers/' + alice,
                                  form=[('invoice_settings[default_payment_method]', unattached)],
                                  fields=['invoice_settings'])
    check(status == 200, 'DEVIATION: a PaymentMethod not attached to the customer is accepted as her default')
    status, body, _ = stripe.call('POST', '/v1/customers/' + alice,
                                  form=[('invoice_settings[default_payment_method]', 'pm_doesnotexist')])
    check(status == 404, 'a pm_ id that does not exist -> 404...')
    status, body, _ = stripe.call('GET', '/v1/customers/' + alice, show=False)
    check(status == 404, 'DEVIATION: ...but it was stored: every read of the customer is 404 until it is fixed')
    set_default(stripe, alice, pm)
    status, body, _ = stripe.call('GET', '/v1/customers/' + alice, show=False)
    check(status == 200, 'setting a real default again repairs her')

    # ------------------------------------------------------------------------------------------------
    section('d. subscriptions: 4242 succeeds')
    status, sub, _ = subscribe(stripe, alice)
    check(status == 200 and sub['status'] == 'active', 'POST /v1/subscriptions -> 200 active')
    check(dig(sub, 'latest_invoice.status') == 'paid' and
          dig(sub, 'latest_invoice.payment_intent.status') == 'succeeded',
          'expand[]=latest_invoice.payment_intent: invoice paid, payment intent succeeded')
    check(sub['current_period_end'] > sub['current_period_start'] and sub['items']['data'][0]['plan']['id'] == 'pro',
          'current_period_end, items.data[0].plan.id')
    alice_sub = sub['id']
    types = hooks.types_for(alice_sub)
    print('webhooks about %s: %s' % (alice_sub, types))
    check('customer.subscription.created' in types, 'customer.subscription.created sent')
    inv_types = hooks.types_for(sub['latest_invoice']['id'], settle=0)
    print('webhooks about its first invoice: %s' % inv_types)
    check(set(inv_types) == {'invoice.created', 'invoice.payment_succeeded'}, 'invoice.created, invoice.payment_succeeded')

    status, body, _ = stripe.call('POST', '/v1/subscriptions', form=[
        ('customer', alice), ('items[0][plan]', 'pro'), ('default_payment_method', pm)])
    check(status == 400 and body['error']['message'] == 'Unexpected default_payment_method',
          'DEVIATION: default_payment_method is not a subscription parameter (400); the customer default pays')
    status, body, _ = stripe.call('POST', '/v1/subscriptions', form=[
        ('customer', alice), ('items[0][plan]', 'pro'), ('off_session', 'true')], show=False)
    check(status == 400 and body['error']['message'] == 'Unexpected off_session', 'off_session -> 400 Unexpected')
    nocard = new_customer(stripe, 'nocard@example.com')
    status, body, _ = subscribe(stripe, nocard)
    check(status == 404 and body['error']['message'] == 'This customer has no payment method',
          'a customer without a default card -> 404 "This customer has no payment method"')
    status, body, _ = stripe.call('GET', '/v1/subscriptions', query=[('customer', nocard), ('status', 'all')],
                                  fields=['data.0.id', 'data.0.status', 'total_count'])
    check(body['total_count'] == 1 and body['data'][0]['status'] == 'incomplete',
          'DEVIATION: ...yet the subscription was stored, incomplete, with a draft invoice')

    section('d. subscriptions: 4000000000000341 attaches, then declines')
    bob = new_customer(stripe, 'bob@example.com')
    bob_pm = card_for(stripe, bob, '4000000000000341')
    print('card 4000000000000341 saved and attached as %s without error' % bob_pm)
    status, body, _ = subscribe(stripe, bob)
    check(status == 200 and body['status'] == 'incomplete',
          'DEVIATION: error_if_incomplete is not honoured on a decline: 200, status incomplete (no 402)')
    check(dig(body, 'latest_invoice.status') == 'open' and
          dig(body, 'latest_invoice.payment_intent.status') == 'requires_payment_method' and
          dig(body, 'latest_invoice.payment_intent.last_payment_error.code') == 'card_declined',
          'invoice open; payment intent requires_payment_method, last_payment_error.code card_declined')
    print('last_payment_error = ' + json.dumps(dig(body, 'latest_invoice.payment_intent.last_payment_error')))
    bob_sub = body['id']
    types = hooks.types_for(bob_sub) + hooks.types_for(body['latest_invoice']['id'], settle=0)
    print('webhooks about it and its invoice: %s' % types)
    check('invoice.payment_failed' not in types, 'DEVIATION: no invoice.payment_failed for this decline')
    status, body, _ = subscribe(stripe, bob, extra=[('payment_behavior', 'allow_incomplete')], show=False)
    print('payment_behavior=allow_incomplete: %d %s' % (status, body.get('status')))

    print('\nthe 402 shape of a decline, from a direct charge of the same card (POST /v1/payment_intents confirm=true):')
    status, body, _ = stripe.call('POST', '/v1/payment_intents', form=[
        ('amount', '1500'), ('currency', 'usd'), ('customer', bob), ('payment_method', bob_pm),
        ('confirm', 'true')])
    check(status == 402 and body['error']['code'] == 'card_declined' and body['error']['charge'].startswith('ch_')
          and body['error']['type'] == 'invalid_request_error' and 'decline_code' not in body['error'],
          '402 {"error": {"charge": "ch_...", "code": "card_declined", "message": "Your card was declined.", '
          '"type": "invalid_request_error"}} (no decline_code, type is not card_error)')

    section('d. subscriptions: 4000002500003155 requires authentication')
    carol = new_customer(stripe, 'carol@example.com')
    card_for(stripe, carol, '4000002500003155')
    status, sub3, _ = subscribe(stripe, carol, fields=SUB_FIELDS + [
        'latest_invoice.status', 'latest_invoice.payment_intent.id', 'latest_invoice.payment_intent.status',
        'latest_invoice.payment_intent.client_secret', 'latest_invoice.payment_intent.next_action'])
    pi3 = sub3['latest_invoice']['payment_intent']
    check(status == 200 and sub3['status'] == 'incomplete' and pi3['status'] == 'requires_action' and
          pi3['next_action']['type'] == 'use_stripe_sdk',
          '200, subscription incomplete, payment intent requires_action (next_action use_stripe_sdk)')
    status, body, _ = js_confirm_card_payment(stripe, pi3['client_secret'], success=True,
                                              fields=['id', 'status', 'next_action', 'latest_charge.status'])
    check(status == 200 and body['status'] == 'succeeded', 'confirmCardPayment "Complete" -> succeeded')
    status, body, _ = stripe.call('GET', '/v1/subscriptions/' + sub3['id'], fields=['status'])
    check(body['status'] == 'active', 'and the subscription becomes active')
    types = hooks.types_for(sub3['latest_invoice']['id'])
    print('webhooks about its invoice: %s' % types)
    check('invoice.payment_succeeded' in types, 'invoice.payment_succeeded sent after authentication')

    dave = new_customer(stripe, 'dave@example.com')
    card_for(stripe, dave, '4000002500003155')
    _, sub4, _ = subscribe(stripe, dave, show=False)
    status, body, _ = js_confirm_card_payment(stripe, sub4['latest_invoice']['payment_intent']['client_secret'],
                                              success=False, fields=['status', 'last_payment_error', 'payment_method'])
    check(status == 200 and body['status'] == 'requires_payment_method' and
          body['last_payment_error']['code'] == 'payment_intent_authentication_failure',
          'confirmCardPayment "Fail" -> requires_payment_method, payment_intent_authentication_failure')
    status, body, _ = stripe.call('GET', '/v1/subscriptions/' + sub4['id'], fields=['status', 'ended_at'])
    check(body['status'] == 'canceled', 'and the incomplete subscription is canceled at once')
    types = hooks.types_for(sub4['id'])
    check('customer.subscription.deleted' in types, 'customer.subscription.deleted sent: %s' % types)
    status, body, _ = js_confirm_card_payment(stripe, sub['latest_invoice']['payment_intent']['client_secret'],
                                              show=False)
    check(status == 400, 'confirmCardPayment on a payment intent that is not requires_action -> 400')

    # ------------------------------------------------------------------------------------------------
    section('i. GET /v1/subscriptions/{id}')
    status, body, _ = stripe.call('GET', '/v1/subscriptions/' + alice_sub, fields=SUB_FIELDS)
    print('    all keys: ' + ', '.join(sorted(body)))
    pro_item = body['items']['data'][0]['id']
    check(isinstance(body['current_period_end'], int) and body['cancel_at_period_end'] is False,
          'status, current_period_end, cancel_at_period_end, items.data[0].plan.id present')

    # ------------------------------------------------------------------------------------------------
    section('e. upgrade pro -> business')
    status, body, _ = stripe.call('POST', '/v1/subscriptions/' + alice_sub, form=[
        ('items[0][id]', pro_item), ('items[0][plan]', 'business'), ('prorate', 'true')], fields=SUB_FIELDS)
    check(status == 200 and body['items']['data'][0]['plan']['id'] == 'business' and
          body['items']['data'][0]['id'] != pro_item,
          'plan changed; DEVIATION: the item gets a new si_ id')
    check(body['latest_invoice'] == sub['latest_invoice']['id'], 'no invoice is made by the update')
    status, items, _ = stripe.call('GET', '/v1/invoiceitems', query=[('customer', alice)],
                                   fields=['data.0.amount', 'data.0.description', 'data.0.proration',
                                           'data.0.subscription', 'data.0.plan.id', 'total_count'])
    check(items['total_count'] == 1 and items['data'][0]['amount'] == -1500 and
          items['data'][0]['description'] == 'Unused time',
          'a pending invoice item "Unused time" of -(what earlier invoices of the subscription charged), not time-based')
    status, body, _ = stripe.call('POST', '/v1/subscriptions/' + alice_sub, form=[
        ('items[0][id]', pro_item), ('items[0][plan]', 'business'), ('proration_behavior', 'always_invoice')])
    check(status == 500, 'DEVIATION: proration_behavior on update -> 500 (an unknown keyword crashes the handler)')
    inv, status, paid = renew(stripe, alice, alice_sub)
    check(inv['status'] == 'draft' and inv['amount_due'] == 4500, 'POST /v1/invoices customer+subscription: draft, '
          'the new plan in full (6000) + the unused-time credit (-1500) = 4500')
    check(status == 200 and paid['status'] == 'paid' and paid['amount_paid'] == 4500, '/pay -> paid')
    types = hooks.types_for(inv['id'])
    print('webhooks about the proration invoice: %s' % types)

    print('\nupgrade after a renewal, with the proration computed by us (half the period left):')
    jack = new_customer(stripe, 'jack@example.com')
    card_for(stripe, jack, '4242424242424242')
    _, jsub, _ = subscribe(stripe, jack, show=False)
    renew(stripe, jack, jsub['id'], show=False)
    stripe.call('POST', '/v1/subscriptions/' + jsub['id'], form=[
        ('items[0][id]', jsub['items']['data'][0]['id']), ('items[0][plan]', 'business')], show=False)
    _, items, _ = stripe.call('GET', '/v1/invoiceitems', query=[('customer', jack)],
                              fields=['data.0.amount', 'data.1.amount', 'total_count'])
    credit = sum(i['amount'] for i in items['data'])
    check(credit == -3000, 'DEVIATION: after one renewal the automatic credit is already wrong: %d '
          '(both pro invoices)' % credit)
    for item in items['data']:
        stripe.call('DELETE', '/v1/invoiceitems/' + item['id'], show=False)
    for amount, description in ((-750, 'Unused time on Pro (50%)'), (-3000, 'Business: elapsed time (50%)')):
        stripe.call('POST', '/v1/invoiceitems', form=[
            ('customer', jack), ('amount', str(amount)), ('currency', 'usd'), ('description', description),
            ('subscription', jsub['id'])], show=False)
    inv, status, paid = renew(stripe, jack, jsub['id'])
    check(paid['status'] == 'paid' and paid['amount_paid'] == 2250,
          'our own credits make it exact: 6000 - 750 - 3000 = 2250 = (6000 - 1500) x 50%')

    section('e. downgrade at period end (business -> pro): what can be done')
    status, body, _ = stripe.call('POST', '/v1/subscriptions/' + alice_sub, form=[
        ('items[0][plan]', 'pro')], fields=['items.data.0.plan.id'])
    status, items, _ = stripe.call('GET', '/v1/invoiceitems', query=[('customer', alice)],
                                   fields=['data.0.id', 'data.0.amount', 'data.1.amount', 'total_count'])
    credit = sum(i['amount'] for i in items['data'])
    check(credit == -6000, 'changing plan again credits every earlier invoice: %d (1500+4500)' % credit)
    for item in items['data']:
        s, b, _ = stripe.call('DELETE', '/v1/invoiceitems/' + item['id'])
    check(s == 200 and b['deleted'] is True, 'DELETE /v1/invoiceitems/{id} removes the credit before renewing')
    inv, status, paid = renew(stripe, alice, alice_sub)
    check(paid['status'] == 'paid' and paid['amount_paid'] == 1500 and
          paid['lines']['data'][0]['plan']['id'] == 'pro',
          'the renewal invoice is then the new plan alone (1500): downgrade = change at renewal, drop credits')

    # ------------------------------------------------------------------------------------------------
    section('f. cancel at period end, resume, cancel now')
    status, body, _ = stripe.call('POST', '/v1/subscriptions/' + alice_sub, form=[
        ('cancel_at_period_end', 'true')], fields=['status', 'cancel_at_period_end', 'cancel_at', 'canceled_at'])
    check(body['cancel_at_period_end'] is True and body['status'] == 'active', 'cancel_at_period_end true, still active')
    status, body, _ = stripe.call('POST', '/v1/subscriptions/' + alice_sub, form=[
        ('cancel_at_period_end', 'false')], fields=['status', 'cancel_at_period_end'])
    check(body['cancel_at_period_end'] is False, 'resume: false')
    time.sleep(1.5)
    check(not any(e['type'] == 'customer.subscription.updated' for e in hooks.events()),
          'DEVIATION: no customer.subscription.updated event for any update')
    status, body, _ = stripe.call('POST', '/v1/subscriptions/' + alice_sub, form=[], show=False)
    check(status == 400, 'an update with an empty body -> 400')
    erin = new_customer(stripe, 'erin@example.com')
    card_for(stripe, erin, '4242424242424242')
    _, erin_sub, _ = subscribe(stripe, erin, show=False)
    status, body, _ = stripe.call('DELETE', '/v1/subscriptions/' + erin_sub['id'],
                                  fields=['id', 'object', 'status', 'ended_at', 'canceled_at'])
    check(status == 200 and body['object'] == 'subscription' and body['status'] == 'canceled' and
          body['ended_at'] is not None, 'DELETE -> 200, the subscription itself, status canceled, ended_at set')
    check(body['canceled_at'] is None, 'DEVIATION: canceled_at stays null')
    check('customer.subscription.deleted' in hooks.types_for(erin_sub['id']), 'customer.subscription.deleted sent')
    status, body, _ = stripe.call('GET', '/v1/subscriptions', query=[('customer', erin)],
                                  fields=['total_count'])
    check(body['total_count'] == 0, 'the list leaves canceled subscriptions out unless status=all')

    # ------------------------------------------------------------------------------------------------
    section('g. renewal: success, failure, webhooks and their signature')
    frank = new_customer(stripe, 'frank@example.com')
    card_for(stripe, frank, '4242424242424242')
    _, fsub, _ = subscribe(stripe, frank, show=False)
    inv, status, paid = renew(stripe, frank, fsub['id'])
    check(paid['status'] == 'paid' and paid['amount_paid'] == 1500, 'renewal paid with the default card')
    check(inv['period_start'] == fsub['current_period_start'] and inv['period_end'] == fsub['current_period_end'],
          'DEVIATION: its period is the subscription\'s current one, which never moves')
    status, body, _ = stripe.call('GET', '/v1/subscriptions/' + fsub['id'], show=False)
    check(body['current_period_end'] == fsub['current_period_end'],
          'DEVIATION: current_period_end does not advance after a renewal')
    hook = hooks.wait_for(lambda e: e['type'] == 'invoice.payment_succeeded' and e['data']['object']['id'] == inv['id'])
    check(hook is not None, 'invoice.payment_succeeded delivered')
    print('\nthe delivery: POST %s' % hook['path'])
    for name, value in sorted(hook['headers'].items()):
        print('    %s: %s' % (name, value))
    event = json.loads(hook['body'])
    print('    body (data.object elided): ' + json.dumps({**event, 'data': {'object': '{...invoice...}'}}, sort_keys=True))
    sig = dict(part.split('=', 1) for part in hook['headers']['Stripe-Signature'].split(','))
    expected = hmac.new(WEBHOOK_SECRET.encode(), sig['t'].encode() + b'.' + hook['body'], hashlib.sha256).hexdigest()
    check(sorted(sig) == ['t', 'v1'] and sig['v1'] == expected,
          'Stripe-Signature t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>')
    check(int(sig['t']) == event['created'], 't is the event\'s created, not the sending time')
    check(hook['at'] - event['created'] >= 0.9, 'delivered about 1 s after the event (%.1f s)' % (hook['at'] - event['created']))
    check(hook['headers'].get('Content-Type') == 'application/json; charset=utf-8', 'Content-Type application/json; charset=utf-8')
    check(sorted(event) == ['api_version', 'created', 'data', 'id', 'livemode', 'object', 'type'] and
          event['api_version'] == '2017-08-15', 'event keys: api_version (2017-08-15), created, data.object, id, livemode, object, type')
    status, body, _ = stripe.call('GET', '/v1/events/' + event['id'], fields=['id', 'type'])
    check(status == 200, 'the event can be fetched again: GET /v1/events/{id}')

    print('\nfailure: the default card becomes 4000000000000341, then the renewal is paid')
    card_for(stripe, frank, '4000000000000341')
    inv, status, paid = renew(stripe, frank, fsub['id'])
    check(status == 200 and paid['status'] == 'open', 'DEVIATION: /pay -> 200 with the invoice still open (no 402)')
    status, pi, _ = stripe.call('GET', '/v1/payment_intents/' + paid['payment_intent'],
                                fields=['status', 'last_payment_error'])
    check(pi['status'] == 'requires_payment_method' and pi['last_payment_error']['code'] == 'card_declined',
          'its payment intent: requires_payment_method, last_payment_error card_declined')
    status, body, _ = stripe.call('GET', '/v1/subscriptions/' + fsub['id'], fields=['status'])
    check(body['status'] == 'active', 'DEVIATION: the subscription stays active')
    types = hooks.types_for(inv['id'])
    print('webhooks about this invoice: %s' % types)
    check('invoice.payment_failed' not in types, 'DEVIATION: no invoice.payment_failed from /pay')
    print('\nretry after the user fixes the card: a good default, /pay the same invoice again')
    card_for(stripe, frank, '4242424242424242')
    status, body, _ = stripe.call('POST', '/v1/invoices/%s/pay' % inv['id'], form=[], fields=['status', 'amount_paid'])
    check(status == 200 and body['status'] == 'paid', 'an open invoice can be paid again')
    status, body, _ = stripe.call('POST', '/v1/invoices/%s/pay' % inv['id'], form=[])
    check(status == 400 and body['error']['message'] == 'Invoice is already paid', 'paying it twice -> 400')

    print('\nfailure with events: default card 4000002500003155, renewal, the 3-D Secure is failed')
    gina = new_customer(stripe, 'gina@example.com')
    card_for(stripe, gina, '4242424242424242')
    _, gsub, _ = subscribe(stripe, gina, show=False)
    card_for(stripe, gina, '4000002500003155')
    inv, status, paid = renew(stripe, gina, gsub['id'])
    status, pi, _ = stripe.call('GET', '/v1/payment_intents/' + paid['payment_intent'], show=False)
    check(pi['status'] == 'requires_action', 'renewal with a 3-D Secure card: payment intent requires_action')
    status, body, _ = js_confirm_card_payment(stripe, pi['client_secret'], success=False, fields=['status'])
    status, body, _ = stripe.call('GET', '/v1/subscriptions/' + gsub['id'], fields=['status'])
    check(body['status'] == 'past_due', 'the subscription becomes past_due')
    types = hooks.types_for(inv['id'])
    print('webhooks about this invoice: %s' % types)
    check('invoice.payment_failed' in types, 'invoice.payment_failed sent')
    status, body, _ = stripe.call('GET', '/v1/invoices/' + inv['id'], fields=['status', 'attempt_count', 'next_payment_attempt'])
    check(body['status'] == 'open', 'the invoice stays open')
    card_for(stripe, gina, '4242424242424242')
    stripe.call('POST', '/v1/invoices/%s/pay' % inv['id'], form=[], show=False)
    status, body, _ = stripe.call('GET', '/v1/subscriptions/' + gsub['id'], fields=['status'])
    check(body['status'] == 'active', 'paying it with a good card makes the subscription active again')

    print('\nfailure with events, no browser: default card 4000008260003178 (authentication, then declined)')
    hank = new_customer(stripe, 'hank@example.com')
    card_for(stripe, hank, '4242424242424242')
    _, hsub, _ = subscribe(stripe, hank, show=False)
    card_for(stripe, hank, '4000008260003178')
    inv, status, paid = renew(stripe, hank, hsub['id'], show=False)
    _, pi, _ = stripe.call('GET', '/v1/payment_intents/' + paid['payment_intent'], show=False)
    status, body, _ = js_confirm_card_payment(stripe, pi['client_secret'], success=True)
    check(status == 402 and body['error']['code'] == 'card_declined', '_authenticate?success=true -> 402 card_declined')
    status, body, _ = stripe.call('GET', '/v1/subscriptions/' + hsub['id'], fields=['status'])
    check(body['status'] == 'past_due', 'past_due')
    types = hooks.types_for(inv['id'])
    check('invoice.payment_failed' in types, 'invoice.payment_failed sent: %s' % types)
    types = hooks.types_for(pi['id'], settle=0)
    check('payment_intent.payment_failed' in types, 'payment_intent.payment_failed sent: %s' % types)

    print('\nvoiding the unpaid renewal invoice of a past_due subscription:')
    status, body, _ = stripe.call('POST', '/v1/invoices/%s/void' % inv['id'], form=[], fields=['status'])
    check(status == 200 and body['status'] == 'void', 'POST /v1/invoices/{id}/void on an open invoice -> void')
    status, body, _ = stripe.call('GET', '/v1/subscriptions/' + hsub['id'], fields=['status', 'ended_at'])
    check(body['status'] == 'canceled', 'DEVIATION: voiding any invoice of a subscription made with '
          'error_if_incomplete cancels it (incomplete_expired with allow_incomplete), without an event')

    # ------------------------------------------------------------------------------------------------
    section('h. invoice items and listing invoices')
    ivy = new_customer(stripe, 'ivy@example.com')
    card_for(stripe, ivy, '4242424242424242')
    _, isub, _ = stripe.call('POST', '/v1/subscriptions', form=[('customer', ivy), ('items[0][plan]', 'business')],
                             show=False)
    status, ii, _ = stripe.call('POST', '/v1/invoiceitems', form=[
        ('customer', ivy), ('amount', '250'), ('currency', 'usd'), ('description', 'Overage: 250 minutes'),
        ('subscription', isub['id'])])
    check(status == 200 and ii['invoice'] is None and ii['amount'] == 250, 'POST /v1/invoiceitems -> pending item')
    status, body, _ = stripe.call('POST', '/v1/invoiceitems', form=[
        ('customer', ivy), ('amount', '1'), ('currency', 'usd'), ('metadata[k]', 'v'), ('quantity', '3')], show=False)
    check(status == 400 and body['error']['message'] == 'Unexpected quantity', 'quantity/unit_amount are not supported')
    status, body, _ = stripe.call('POST', '/v1/invoiceitems', form=[
        ('customer', ivy), ('amount', '1'), ('currency', 'usd'), ('period[start]', '1700000000'),
        ('period[end]', '1700000001')], show=False)
    check(status == 400 and body['error']['message'] == 'Unexpected period',
          'DEVIATION: Stripe\'s period[start]/period[end] -> 400 "Unexpected period"')
    status, body, _ = stripe.call('POST', '/v1/invoiceitems', form=[
        ('customer', ivy), ('amount', '1'), ('currency', 'usd'), ('period_start', '1700000000'),
        ('period_end', '1700000001')], show=False)
    check(status == 200 and body['period'] == {'start': 1700000000, 'end': 1700000001},
          'flat period_start/period_end set the item\'s period')
    stripe.call('DELETE', '/v1/invoiceitems/' + body['id'], show=False)
    inv, status, paid = renew(stripe, ivy, isub['id'])
    check(paid['amount_paid'] == 6250 and [l['description'] for l in paid['lines']['data']] ==
          ['Business', 'Overage: 250 minutes'], 'the renewal invoice takes the pending item: 6000 + 250')
    status, tagged, _ = stripe.call('POST', '/v1/invoices', form=[
        ('customer', ivy), ('subscription', isub['id']), ('description', 'Renewal 2'),
        ('metadata[period]', '2')], fields=['description', 'metadata', 'billing_reason', 'amount_due'])
    check(tagged['description'] == 'Renewal 2' and tagged['metadata'] == {} and tagged['billing_reason'] is None,
          'DEVIATION: /v1/invoices keeps description but drops metadata; billing_reason is always null')
    stripe.call('DELETE', '/v1/invoices/' + tagged['id'], show=False)
    stripe.call('POST', '/v1/invoiceitems', form=[
        ('customer', ivy), ('amount', '99'), ('currency', 'usd'), ('description', 'One-off')], show=False)
    status, lone, _ = stripe.call('POST', '/v1/invoices', form=[('customer', ivy)], fields=INVOICE_FIELDS)
    check(status == 200 and lone['amount_due'] == 6099 and lone['subscription'] == isub['id'],
          'DEVIATION: POST /v1/invoices customer only, for a customer with a subscription, bills the '
          'subscription\'s plan again with the pending items (6000 + 99): no one-off invoice beside a subscription')
    status, body, _ = stripe.call('POST', '/v1/invoices', form=[('customer', ivy)], show=False)
    check(status == 400, 'with no pending item and no subscription -> 400')
    status, body, _ = stripe.call('POST', '/v1/invoices', form=[('customer', ivy), ('auto_advance', 'false')])
    check(status == 500, 'DEVIATION: auto_advance (any unknown parameter of /v1/invoices) -> 500')
    status, body, _ = stripe.call('POST', '/v1/invoices/%s/finalize' % lone['id'], form=[], show=False)
    check(status == 404, 'no /finalize (404, text/plain): an invoice stays draft until /pay')
    status, body, _ = stripe.call('POST', '/v1/invoices/%s/pay' % lone['id'], form=[('off_session', 'true')])
    check(status == 500, 'DEVIATION: /pay takes no parameter at all: off_session -> 500')
    status, body, _ = stripe.call('POST', '/v1/invoices/%s/void' % lone['id'], form=[], fields=['status'])
    check(status == 400, 'voiding a draft invoice (no payment intent yet) -> 400 "Bad request"; delete it instead')
    status, body, _ = stripe.call('DELETE', '/v1/invoices/' + lone['id'], fields=['deleted'])
    check(status == 200, 'a draft invoice can be deleted')

    status, li, _ = stripe.call('GET', '/v1/invoices', query=[('customer', ivy), ('limit', '3')], show=False)
    first = li['data'][0]
    print('GET /v1/invoices?customer=...&limit=3 -> %d, %d of total_count %d, has_more %s' %
          (status, len(li['data']), li['total_count'], li['has_more']))
    print('an invoice\'s keys: ' + ', '.join(sorted(first)))
    print('a line\'s keys: ' + ', '.join(sorted(first['lines']['data'][0])))
    for f in ('number', 'status', 'amount_due', 'amount_paid', 'period_start', 'period_end', 'created',
              'hosted_invoice_url', 'invoice_pdf', 'lines.data.0.description', 'lines.data.0.amount',
              'lines.data.0.period', 'status_transitions', 'currency'):
        print('    %-26s %s' % (f, json.dumps(dig(first, f))))
    check('number' not in first and 'hosted_invoice_url' not in first and 'invoice_pdf' not in first,
          'DEVIATION: invoices have no number, hosted_invoice_url, invoice_pdf')
    check(li['data'][0]['date'] >= li['data'][-1]['date'], 'newest first (by date)')
    status, body, _ = stripe.call('GET', '/v1/invoices', query=[('customer', ivy), ('status', 'paid')], show=False)
    check(status == 500, 'DEVIATION: GET /v1/invoices?status= -> 500 (not a supported filter)')
    status, body, _ = stripe.call('GET', '/v1/invoices', query=[('subscription', isub['id'])], show=False)
    check(status == 200 and all(i['subscription'] == isub['id'] for i in body['data']), '?subscription= filters')
    status, body, _ = stripe.call('GET', '/v1/invoices', query=[('customer', ivy), ('limit', '1'),
                                                                ('starting_after', first['id'])], show=False)
    check(status == 200 and body['data'][0]['id'] == li['data'][1]['id'], 'starting_after pages')

    # ------------------------------------------------------------------------------------------------
    section('j. Stripe-Version, expand[], Idempotency-Key, authentication')
    status, body, _ = stripe.call('GET', '/v1/customers/' + alice, headers={'Stripe-Version': '2024-06-20'},
                                  fields=['id'])
    check(status == 200, 'Stripe-Version is accepted (and ignored: the shapes do not change)')
    key = 'probe-idem-1'
    _, c1, _ = stripe.call('POST', '/v1/customers', form=[('email', 'idem@example.com')],
                           headers={'Idempotency-Key': key}, fields=['id'])
    _, c2, rh = stripe.call('POST', '/v1/customers', form=[('email', 'idem@example.com')],
                            headers={'Idempotency-Key': key}, fields=['id'])
    check(c1['id'] != c2['id'], 'DEVIATION: Idempotency-Key is ignored: the same key twice makes two customers')
    check('Idempotency-Key' not in rh and 'Request-Id' not in rh, 'no Idempotency-Key or Request-Id response header')
    status, body, _ = stripe.call('GET', '/v1/subscriptions/' + alice_sub,
                                  query=[('expand[]', 'latest_invoice'), ('expand[]', 'customer')],
                                  fields=['latest_invoice.id', 'customer.email'])
    check(isinstance(body['latest_invoice'], dict) and body['customer']['email'] == 'alice@example.com',
          'expand[] works on GET (query) as on POST (body), several at once')
    status, body, _ = stripe.call('GET', '/v1/subscriptions/' + alice_sub, query=[('expand[]', 'nothing')])
    check(status == 400 and body['error']['message'].startswith('Bad expand'), 'a bad expand -> 400 "Bad expand ..."')
    status, body, _ = stripe.call('GET', '/v1/customers/' + alice, key=None)
    check(status == 401 and body == {'error': {'message': 'Unauthorized', 'type': 'invalid_request_error'}},
          'no key -> 401 {"error": {"message": "Unauthorized", "type": "invalid_request_error"}}')
    status, body, _ = stripe.call('GET', '/v1/customers/' + alice, key='pk_test_x', show=False)
    check(status == 401, 'a pk_ key as Bearer -> 401')
    status, body, _ = stripe.call('GET', '/v1/customers/' + alice, key='sk_live_anything', show=False)
    check(status == 200, 'any sk_ key (more than 5 characters) is accepted')
    status, body, _ = stripe.call('GET', '/v1/customers/cus_nope')
    check(status == 404 and body == {'error': {'message': 'Not Found', 'type': 'invalid_request_error'}},
          '404 {"error": {"message": "Not Found", "type": "invalid_request_error"}}')

    print('\nwebhook registration (what the wrapper does at start), with an event filter:')
    status, body, _ = stripe.call('POST', '/_config/webhooks/probe-filtered', key=None, form=[
        ('url', 'http://127.0.0.1:%d/filtered' % hooks.port), ('secret', 'whsec_other'),
        ('events[]', 'customer.deleted')])
    check(status == 200 and body == '', 'POST /_config/webhooks/{id} url, secret, events[] -> 200, empty body')
    status, body, _ = stripe.call('POST', '/_config/webhooks/probe-bad', key=None, form=[
        ('url', 'http://127.0.0.1:9/x')])
    check(status == 400, 'without a secret -> 400')
    kim = new_customer(stripe, 'kim@example.com')
    stripe.call('DELETE', '/v1/customers/' + kim, show=False)
    time.sleep(2.5)
    with hooks.cond:
        filtered = [json.loads(r['body'])['type'] for r in hooks.received if r['path'] == '/filtered']
    check(filtered == ['customer.deleted'], 'the filtered webhook got customer.deleted only: %s' % filtered)

    status, body, rh = stripe.call('POST', '/v1/invoices', form=[('customer', ivy), ('x', 'y')])
    check(status == 500 and rh.get('Content-Type', '').startswith('text/plain'),
          'a 500 is text/plain, not a JSON error: the Swift client must not assume JSON')


run.persisted_customer = None

if __name__ == '__main__':
    main()
