import { test } from 'node:test'
import assert from 'node:assert/strict'
import { osmURL, parsePlace } from './location.ts'

test('a named place and a bare pair of coordinates', () => {
  assert.deepEqual(parsePlace('HQ <b>x</b> (52.52, 13.405)'), { name: 'HQ <b>x</b>', lat: 52.52, lon: 13.405 })
  assert.deepEqual(parsePlace('(-33.8688, 151.2093)'), { name: '', lat: -33.8688, lon: 151.2093 })
  assert.deepEqual(parsePlace('(1e-05, -0.5)'), { name: '', lat: 0.00001, lon: -0.5 })
})

test('no or out-of-range coordinates are not a place', () => {
  assert.equal(parsePlace('[location HQ]'), null)
  assert.equal(parsePlace('(91, 10)'), null)
  assert.equal(parsePlace('(10, 181)'), null)
  assert.equal(parsePlace('(10, 20) trailing'), null)
})

test('the OpenStreetMap link carries only the numbers', () => {
  assert.equal(osmURL({ name: '"><script>', lat: 52.52, lon: 13.405 }), 'https://www.openstreetmap.org/?mlat=52.52&mlon=13.405#map=16/52.52/13.405')
})
