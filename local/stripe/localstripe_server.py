#!/usr/bin/env python3
"""Our local Stripe: localstripe (requirements.txt) on 127.0.0.1, its state under a folder of ours, the
webhook registered and the paid plans of config/plans.json created before it says it is ready.

    .venv/bin/python local/stripe/localstripe_server.py --port 8420 --data DIR \
        --webhook-url http://127.0.0.1:PORT/PATH --webhook-secret SECRET --plans config/plans.json

It prints one line, `localstripe ready on 127.0.0.1:PORT`, on standard output once the webhook and the
plans are in place (with --port 0 the port is the one the system chose), logs requests and webhook
deliveries on standard error, and exits 0 on SIGTERM or SIGINT.

Why a wrapper rather than `python -m localstripe`: its command line listens on every interface (::)
and keeps its state in the fixed file /tmp/localstripe.pickle, shared by every instance on the
machine; it has no option for either. The webhook localstripe signs with is kept in memory only (not
in the pickle), so it has to be registered again at every start: doing it here, before the ready line,
means that no event of the session is made before the webhook that receives it. docs/localstripe-notes.md says what
localstripe does and does not do of Stripe's API.
"""

import argparse
import asyncio
import ipaddress
import json
import logging
import os
import pickle
import signal
import sys
import urllib.parse

import aiohttp
from aiohttp import web

from localstripe import resources, server

HOST = '127.0.0.1'
# The id under which the wrapper registers its webhook (POST /_config/webhooks/{id}); registering again
# under the same id replaces it.
WEBHOOK_ID = 'transcriptor'
# Any key that starts with sk_ passes localstripe's authentication; this one marks the wrapper's own
# requests in the access log.
SETUP_KEY = 'sk_test_localstripe_wrapper'


def redirect_store(data_dir):
    """Keeps localstripe's state in DATA_DIR/localstripe.pickle instead of /tmp/localstripe.pickle.

    localstripe pickles its whole store after every request that changes something and on every new
    object (Store.__setitem__). The writes go through a temporary file and a rename, so that a process
    stopped in the middle of one leaves the previous state whole. Unpickling a dict subclass calls its
    __setitem__ once per object, which would write the store again for each object loaded: writes are
    held while loading.
    """
    path = os.path.join(data_dir, 'localstripe.pickle')
    loading = False

    def try_load_from_disk(store):
        nonlocal loading
        loading = True
        try:
            with open(path, 'rb') as f:
                old = pickle.load(f)
        except FileNotFoundError:
            return
        finally:
            loading = False
        dict.clear(store)
        dict.update(store, old)

    def dump_to_disk(store):
        if loading:
            return
        tmp = path + '.tmp'
        with open(tmp, 'wb') as f:
            pickle.dump(store, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    resources.Store.try_load_from_disk = try_load_from_disk
    resources.Store.dump_to_disk = dump_to_disk
    resources.store.try_load_from_disk()


def loopback_url(url):
    """The webhook URL, if it names this machine's loopback; localstripe would post anywhere."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        return None
    if parts.hostname == 'localhost':
        return url
    try:
        return url if ipaddress.ip_address(parts.hostname).is_loopback else None
    except ValueError:
        return None


def read_plans(path):
    """The paid plans of PLANS_JSON ({"currency": ..., "plans": [...]}) as POST /v1/plans forms.

    A plan with priceCents 0 (free) is ours alone: Stripe never bills it. The plan's id is the Stripe
    plan's id; its product is prod_<id> (a prod_ prefix lets localstripe expand it); the limits go
    into the plan's metadata so that they can be read back from Stripe too.
    """
    with open(path) as f:
        config = json.load(f)
    currency = config['currency']
    forms = []
    for plan in config['plans']:
        if plan['priceCents'] <= 0:
            continue
        form = {
            'id': plan['id'],
            'amount': str(plan['priceCents']),
            'currency': currency,
            'interval': plan['interval'],
            'nickname': plan['name'],
            'product[id]': 'prod_' + plan['id'],
            'product[name]': plan['name'],
        }
        for key in ('monthlyMinutes', 'maxFileSeconds', 'jobsInFlight', 'overageCentsPerMinute'):
            if plan.get(key) is not None:
                form['metadata[%s]' % key] = str(plan[key])
        forms.append(form)
    return forms


async def configure(base, webhook_url, webhook_secret, plan_forms, log):
    """Registers the webhook and creates the plans that are missing, through localstripe's own API."""
    auth = {'Authorization': 'Bearer ' + SETUP_KEY}
    async with aiohttp.ClientSession() as http:
        async with http.post('%s/_config/webhooks/%s' % (base, WEBHOOK_ID),
                             data={'url': webhook_url, 'secret': webhook_secret}) as r:
            if r.status != 200:
                raise RuntimeError('registering the webhook: HTTP %d %s' % (r.status, await r.text()))

        for form in plan_forms:
            plan_id = form['id']
            async with http.get('%s/v1/plans/%s' % (base, plan_id), headers=auth) as r:
                if r.status == 200:
                    plan = await r.json()
                    if (plan['amount'] != int(form['amount']) or plan['currency'] != form['currency']
                            or plan['interval'] != form['interval']):
                        # Stripe plans cannot change price: a new price wants a new plan id.
                        log.warning('plan %s exists as %s %s/%s; kept as it is', plan_id,
                                    plan['amount'], plan['currency'], plan['interval'])
                    continue
                if r.status != 404:
                    raise RuntimeError('reading plan %s: HTTP %d %s' % (plan_id, r.status, await r.text()))

            # A product left by an earlier start whose plan was not made is used as it is (creating it
            # again would be a 409).
            async with http.get('%s/v1/products/%s' % (base, form['product[id]']), headers=auth) as r:
                product_exists = r.status == 200
            if product_exists:
                form = {k: v for k, v in form.items() if not k.startswith('product[')}
                form['product'] = 'prod_' + plan_id
            async with http.post('%s/v1/plans' % base, data=form, headers=auth) as r:
                if r.status != 200:
                    raise RuntimeError('creating plan %s: HTTP %d %s' % (plan_id, r.status, await r.text()))
            log.info('created plan %s', plan_id)


async def serve(args, plan_forms, log):
    access_log = logging.getLogger('aiohttp.access')
    runner = web.AppRunner(server.app, access_log=access_log, handle_signals=False)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    # The emulator that started this may be killed without a chance to stop it (a crash, a test's
    # SIGKILL): when the parent changes, this ends too, instead of holding its port.
    parent = os.getppid()

    async def watch_parent():
        while not stop.is_set():
            if os.getppid() != parent:
                log.info('the process that started localstripe ended; stopping')
                stop.set()
            await asyncio.sleep(1)

    watcher = asyncio.ensure_future(watch_parent())

    site = web.TCPSite(runner, HOST, args.port)
    await site.start()
    try:
        port = runner.addresses[0][1]
        await configure('http://%s:%d' % (HOST, port), args.webhook_url, args.webhook_secret,
                        plan_forms, log)
        if not stop.is_set():
            print('localstripe ready on %s:%d' % (HOST, port), flush=True)
        await stop.wait()
        log.info('stopping')
    finally:
        watcher.cancel()
        await runner.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--port', type=int, default=8420, help='0: any free port (printed)')
    parser.add_argument('--data', required=True, help="folder for localstripe's pickled state")
    parser.add_argument('--webhook-url', required=True, help='a loopback http URL')
    parser.add_argument('--webhook-secret', required=True)
    parser.add_argument('--plans', required=True, help='config/plans.json')
    args = parser.parse_args()

    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format='%(asctime)s %(name)s %(message)s')
    log = logging.getLogger('localstripe_server')

    if not loopback_url(args.webhook_url):
        parser.error('--webhook-url must be an http URL on this machine\'s loopback: %s' % args.webhook_url)
    plan_forms = read_plans(args.plans)

    os.makedirs(args.data, exist_ok=True)
    redirect_store(args.data)

    try:
        asyncio.run(serve(args, plan_forms, log))
    except (RuntimeError, OSError, aiohttp.ClientError) as e:
        # A port in use, a plan localstripe refused: said in one line, exit 1, no ready line.
        log.error('%s', e)
        sys.exit(1)


if __name__ == '__main__':
    main()
